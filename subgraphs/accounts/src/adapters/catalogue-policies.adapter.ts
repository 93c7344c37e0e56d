import { isBrandCode } from '../../../common/src/brands';
import type { PolicyDocument } from '../../../common/src/policy/policy-document';
import { INITIAL_BRAND_POLICIES } from '../../../policies/src/catalogue/brand-policy-catalogue';
import type { PoliciesPort } from '../ports/policies.port';

/**
 * Version 1 of every brand's policy, exactly what a fresh policies database serves. Only for seeding
 * demo data (`npm run migrate -- --seed` runs while no subgraph is up); never for real events, which
 * must be judged by the version policies has in force.
 */
export class CataloguePoliciesAdapter implements PoliciesPort {
  async policyAt(brandCode: string): Promise<PolicyDocument> {
    if (!isBrandCode(brandCode)) throw new Error(`no catalogue policy for brand ${brandCode}`);
    return INITIAL_BRAND_POLICIES[brandCode];
  }
}
