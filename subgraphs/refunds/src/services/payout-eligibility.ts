import type { PayoutReason } from '../entities/payout.entity';
import type { AccountSnapshot } from '../ports/accounts.port';

export const ELIGIBILITY_REASONS = [
  'CONTRACT_ENDED',
  'TERMINATION_REQUIRED',
  'QUARTERLY_OPEN',
  'NEGATIVE_BALANCE',
  'NO_CREDIT',
  'PAYOUT_IN_PROGRESS',
  'QUARTERLY_ALREADY_USED',
  'QUARTERLY_NOT_OFFERED',
  'CONTRACT_ENDED_USE_TERMINATION',
] as const;
export type EligibilityReason = (typeof ELIGIBILITY_REASONS)[number];

export interface Eligibility {
  eligible: boolean;
  reason: EligibilityReason;
  /** The payout reason a request should give (null when none would be accepted). */
  payoutReason: PayoutReason | null;
  /** What would be paid out now: the whole available credit, inactive credit included. */
  amountCents: number;
  owedCents: number;
}

export interface EligibilityFacts {
  account: AccountSnapshot;
  quarterlyOffered: boolean;
  payoutInProgress: boolean;
  quarterlyUsedThisQuarter: boolean;
  /** The reason asked about; without one the best available route is judged. */
  asked: PayoutReason | null;
}

/** Section 7 of the domain rules as a pure decision; the service turns refusals into errors. */
export function judgeEligibility(facts: EligibilityFacts): Eligibility {
  const { account } = facts;
  const owedCents = Math.max(account.owedCents, account.balanceCents < 0 ? -account.balanceCents : 0);
  const refuse = (reason: EligibilityReason, payoutReason: PayoutReason | null = null): Eligibility => ({
    eligible: false,
    reason,
    payoutReason,
    amountCents: 0,
    owedCents,
  });
  // A negative balance is settled, never paid out (section 3 and 7).
  if (owedCents > 0) return refuse('NEGATIVE_BALANCE');
  if (facts.payoutInProgress) return refuse('PAYOUT_IN_PROGRESS');
  if (account.availableCents <= 0) return refuse('NO_CREDIT');
  const terminated = account.status === 'TERMINATED';
  const wanted: PayoutReason =
    facts.asked ?? (!terminated && facts.quarterlyOffered && !facts.quarterlyUsedThisQuarter ? 'QUARTERLY' : 'TERMINATION');
  const grant = (reason: EligibilityReason): Eligibility => ({
    eligible: true,
    reason,
    payoutReason: wanted,
    amountCents: account.availableCents,
    owedCents: 0,
  });
  if (wanted === 'QUARTERLY') {
    if (terminated) return refuse('CONTRACT_ENDED_USE_TERMINATION', 'TERMINATION');
    if (!facts.quarterlyOffered) return refuse('QUARTERLY_NOT_OFFERED');
    if (facts.quarterlyUsedThisQuarter) return refuse('QUARTERLY_ALREADY_USED');
    return grant('QUARTERLY_OPEN');
  }
  return grant(terminated ? 'CONTRACT_ENDED' : 'TERMINATION_REQUIRED');
}
