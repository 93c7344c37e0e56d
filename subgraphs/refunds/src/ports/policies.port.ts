import type { PolicyDocument } from '../../../common/src/policy/policy-document';

/** The part of a brand's policy that decides payouts. */
export type PayoutPolicy = PolicyDocument['payout'];

export interface PoliciesPort {
  /** The brand's payout rules in force at `at`. */
  payoutPolicy(brandCode: string, at: Date): Promise<PayoutPolicy>;
}
