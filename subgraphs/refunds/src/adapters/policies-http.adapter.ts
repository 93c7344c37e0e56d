import type { BrandPolicyClient } from '../../../common/src/policy/brand-policy.client';
import type { PayoutPolicy, PoliciesPort } from '../ports/policies.port';

/** The payout rules of the brand policy in force, from the shared policies client. */
export class PoliciesHttpAdapter implements PoliciesPort {
  constructor(private readonly client: BrandPolicyClient) {}

  async payoutPolicy(brandCode: string, at: Date): Promise<PayoutPolicy> {
    return (await this.client.policyAt(brandCode, at)).payout;
  }
}
