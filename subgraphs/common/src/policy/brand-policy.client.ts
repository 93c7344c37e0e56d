import type { SubgraphClient } from '../subgraph-client';
import { assertPolicyDocument } from './policy-document';
import type { PolicyDocument } from './policy-document';

const CACHE_MS = 30_000;
const MAX_CACHE_ENTRIES = 1000;

/** Every field of the policy document, so the answer can be validated with the common schema. */
const POLICY_DOCUMENT_QUERY = `query BrandPolicyInForce($codes: [ID!]!, $at: DateTimeISO) {
  brandPolicies(codes: $codes, at: $at) {
    brandCode
    version
    policy {
      schemaVersion network balanceQueryCode validityQueryCode
      topUp {
        minimumCents maximumCents maximumBalanceCents dailyMaximumCents knownAmountsCents channelListComplete
        channels { kind exactAmountsCents minimumCents maximumCents worksAbroad contact provider paymentMethods }
      }
      validity {
        activationMonths
        topUp {
          effect maximumMonths reactivatesInactive reactivatesDeactivated
          tiers { minimumAmountCents months atLeast }
        }
        chargeableUseKeepsActiveDays
        afterExpiry { inactiveMonths then }
        termination { monthsWithoutTopUpMin monthsWithoutTopUpMax advanceNoticeMinimumCount advanceNoticeDaysBefore }
        recommendedTopUpIntervalMonths
      }
      lowBalanceThresholdCents negativeBalanceServiceClasses zeroRatedServices
      payout { onTermination quarterlyWithoutTermination feeCents deductsSimDeposit deductsPortingFee includesInactiveCredit }
      annualPackages { termMonths paidUpfront priceCents name }
    }
  }
}`;

interface BrandPoliciesAnswer {
  brandPolicies: { brandCode: string; version: number; policy: unknown }[];
}

/**
 * Brand policies from the policies subgraph, for every subgraph that applies them. Answers are
 * cached per (brand, minute) for a short while: charging asks on every session start, policies
 * change rarely, and a new version carries an effective date, so a minute's granularity judges
 * every event by the right version.
 */
export class BrandPolicyClient {
  private readonly cache = new Map<string, { expires: number; value: Promise<PolicyDocument> }>();

  constructor(private readonly client: SubgraphClient) {}

  policyAt(brandCode: string, at: Date): Promise<PolicyDocument> {
    const minute = Math.floor(at.getTime() / 60_000);
    const key = `${brandCode}@${minute}`;
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.expires > now) return cached.value;
    // Judged at the end of the minute would let a version effective within it govern earlier events; the start does not.
    const value = this.fetch(brandCode, new Date(minute * 60_000));
    if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.clear();
    this.cache.set(key, { expires: now + CACHE_MS, value });
    value.catch(() => this.cache.delete(key));
    return value;
  }

  private async fetch(brandCode: string, at: Date): Promise<PolicyDocument> {
    const data = await this.client.request<BrandPoliciesAnswer>(POLICY_DOCUMENT_QUERY, { codes: [brandCode], at: at.toISOString() });
    const found = data.brandPolicies.find((version) => version.brandCode === brandCode);
    if (!found) throw new Error(`the policies subgraph has no policy for brand ${brandCode}`);
    // A document that breaks the schema is a bug on the other side; refusing it beats charging by it.
    return assertPolicyDocument(found.policy);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
