import type { AccountSnapshot } from '../ports/accounts.port';
import { judgeEligibility } from './payout-eligibility';
import type { EligibilityFacts } from './payout-eligibility';

const account = (overrides: Partial<AccountSnapshot> = {}): AccountSnapshot => ({
  id: 'a1',
  brandCode: 'FONIC',
  status: 'ACTIVE',
  balanceCents: 1500,
  availableCents: 1500,
  owedCents: 0,
  ...overrides,
});

const facts = (overrides: Partial<EligibilityFacts> = {}): EligibilityFacts => ({
  account: account(),
  quarterlyOffered: true,
  payoutInProgress: false,
  quarterlyUsedThisQuarter: false,
  asked: null,
  ...overrides,
});

describe('judgeEligibility', () => {
  it('never pays out a negative balance and reports the amount owed', () => {
    const verdict = judgeEligibility(facts({ account: account({ balanceCents: -350, availableCents: -350, owedCents: 350 }) }));
    expect(verdict).toEqual({ eligible: false, reason: 'NEGATIVE_BALANCE', payoutReason: null, amountCents: 0, owedCents: 350 });
  });

  it('pays the whole available credit of a terminated contract, inactive credit included', () => {
    const verdict = judgeEligibility(facts({ account: account({ status: 'TERMINATED', balanceCents: 1265, availableCents: 1265 }), quarterlyOffered: false }));
    expect(verdict).toMatchObject({ eligible: true, reason: 'CONTRACT_ENDED', payoutReason: 'TERMINATION', amountCents: 1265 });
  });

  it('offers the quarterly payout only where the brand does, once per quarter', () => {
    expect(judgeEligibility(facts())).toMatchObject({ eligible: true, reason: 'QUARTERLY_OPEN', payoutReason: 'QUARTERLY' });
    expect(judgeEligibility(facts({ asked: 'QUARTERLY', quarterlyOffered: false }))).toMatchObject({ eligible: false, reason: 'QUARTERLY_NOT_OFFERED' });
    expect(judgeEligibility(facts({ asked: 'QUARTERLY', quarterlyUsedThisQuarter: true }))).toMatchObject({ eligible: false, reason: 'QUARTERLY_ALREADY_USED' });
    expect(judgeEligibility(facts({ quarterlyOffered: false }))).toMatchObject({ eligible: true, reason: 'TERMINATION_REQUIRED', payoutReason: 'TERMINATION' });
  });

  it('refuses while a payout is in flight or when there is nothing to pay', () => {
    expect(judgeEligibility(facts({ payoutInProgress: true }))).toMatchObject({ eligible: false, reason: 'PAYOUT_IN_PROGRESS' });
    expect(judgeEligibility(facts({ account: account({ balanceCents: 0, availableCents: 0 }) }))).toMatchObject({ eligible: false, reason: 'NO_CREDIT' });
  });
});
