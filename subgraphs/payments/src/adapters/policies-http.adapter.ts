import type { SubgraphClient } from '../../../common/src/subgraph-client';
import type { PoliciesPort, TopUpPolicy } from '../ports/policies.port';

const CACHE_MS = 30_000;

/**
 * Brand top-up rules from the policies subgraph, judged at the moment given. Answers are cached
 * briefly per (brand, minute): policies change rarely and a new version carries an effective date.
 */
export class PoliciesHttpAdapter implements PoliciesPort {
  private readonly cache = new Map<string, { expires: number; value: Promise<TopUpPolicy> }>();

  constructor(private readonly client: SubgraphClient) {}

  topUpPolicy(brandCode: string, at: Date): Promise<TopUpPolicy> {
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

  private async fetch(brandCode: string, at: Date): Promise<TopUpPolicy> {
    const data = await this.client.request<{ brandPolicies: { policy: TopUpPolicy }[] }>(
      `query TopUpPolicy($codes: [ID!]!, $at: DateTimeISO) {
        brandPolicies(codes: $codes, at: $at) {
          policy {
            topUp {
              minimumCents maximumCents knownAmountsCents channelListComplete
              channels { kind exactAmountsCents minimumCents maximumCents worksAbroad contact provider paymentMethods }
            }
          }
        }
      }`,
      { codes: [brandCode], at: at.toISOString() },
    );
    const found = data.brandPolicies[0];
    if (!found) throw new Error(`no policy for brand ${brandCode}`);
    return found.policy;
  }
}
