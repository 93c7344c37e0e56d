import type { SubgraphClient } from '../../../common/src/subgraph-client';
import type { PayoutPolicy, PoliciesPort } from '../ports/policies.port';

const CACHE_MS = 30_000;

/**
 * Brand payout rules from the policies subgraph at a moment. Cached briefly per (brand, minute):
 * policies change rarely and a new version carries an effective date.
 */
export class PoliciesHttpAdapter implements PoliciesPort {
  private readonly cache = new Map<string, { expires: number; value: Promise<PayoutPolicy> }>();

  constructor(private readonly client: SubgraphClient) {}

  payoutPolicy(brandCode: string, at: Date): Promise<PayoutPolicy> {
    const minute = Math.floor(at.getTime() / 60_000);
    const key = `${brandCode}@${minute}`;
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.expires > now) return cached.value;
    const value = this.fetch(brandCode, new Date(minute * 60_000));
    this.cache.set(key, { expires: now + CACHE_MS, value });
    value.catch(() => this.cache.delete(key));
    if (this.cache.size > 1000) this.cache.clear();
    return value;
  }

  private async fetch(brandCode: string, at: Date): Promise<PayoutPolicy> {
    const data = await this.client.request<{ brandPolicies: { policy: { payout: PayoutPolicy } }[] }>(
      `query PayoutPolicy($codes: [ID!]!, $at: DateTimeISO) {
        brandPolicies(codes: $codes, at: $at) {
          policy { payout { onTermination quarterlyWithoutTermination feeCents deductsSimDeposit deductsPortingFee includesInactiveCredit } }
        }
      }`,
      { codes: [brandCode], at: at.toISOString() },
    );
    const found = data.brandPolicies[0];
    if (!found) throw new Error(`no policy for brand ${brandCode}`);
    return found.policy.payout;
  }
}
