import type { BrandPolicyClient } from '../../../common/src/policy/brand-policy.client';
import type { PoliciesPort, TopUpPolicy } from '../ports/policies.port';

/** The top-up part of the brand policy in force, from the shared policies client. */
export class PoliciesHttpAdapter implements PoliciesPort {
  constructor(private readonly client: BrandPolicyClient) {}

  async topUpPolicy(brandCode: string, at: Date): Promise<TopUpPolicy> {
    return { topUp: (await this.client.policyAt(brandCode, at)).topUp };
  }
}
