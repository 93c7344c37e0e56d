import { assertPolicyDocument, InvalidPolicyError, parsePolicyDocument } from './policy-document';
import type { PolicyDocument } from './policy-document';

const valid = (): PolicyDocument => ({
  schemaVersion: 1,
  network: 'TELEKOM',
  balanceQueryCode: '*100#',
  validityQueryCode: null,
  topUp: {
    minimumCents: null,
    maximumCents: null,
    maximumBalanceCents: null,
    dailyMaximumCents: null,
    knownAmountsCents: [],
    channelListComplete: false,
    channels: [
      {
        kind: 'WHATSAPP',
        exactAmountsCents: [1500, 2500, 5000],
        minimumCents: null,
        maximumCents: null,
        worksAbroad: null,
        contact: '+49 170 8828422',
        provider: 'Liquix B.V.',
        paymentMethods: ['PAYPAL', 'SOFORTUEBERWEISUNG', 'VISA', 'MASTERCARD'],
      },
    ],
  },
  validity: {
    activationMonths: null,
    topUp: {
      effect: 'RESTART',
      tiers: [
        { minimumAmountCents: 1500, months: 12, atLeast: false },
        { minimumAmountCents: 3000, months: 24, atLeast: false },
      ],
      maximumMonths: 24,
      reactivatesInactive: null,
      reactivatesDeactivated: null,
    },
    chargeableUseKeepsActiveDays: null,
    afterExpiry: { inactiveMonths: 1, then: 'DEACTIVATED' },
    termination: { monthsWithoutTopUpMin: 23, monthsWithoutTopUpMax: 24, advanceNoticeMinimumCount: 2, advanceNoticeDaysBefore: null },
    recommendedTopUpIntervalMonths: null,
  },
  lowBalanceThresholdCents: null,
  negativeBalanceServiceClasses: [],
  zeroRatedServices: [],
  payout: {
    onTermination: true,
    quarterlyWithoutTermination: false,
    feeCents: 0,
    deductsSimDeposit: false,
    deductsPortingFee: false,
    includesInactiveCredit: true,
  },
  annualPackages: [{ termMonths: 12, paidUpfront: true, priceCents: null, name: null }],
});

type Mutation = (policy: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

const INVALID: [string, Mutation, string][] = [
  ['a payout fee', (p) => { p.payout.feeCents = 500; }, 'payout.feeCents'],
  ['a SIM deposit deduction', (p) => { p.payout.deductsSimDeposit = true; }, 'payout.deductsSimDeposit'],
  ['a porting fee deduction', (p) => { p.payout.deductsPortingFee = true; }, 'payout.deductsPortingFee'],
  ['no payout on termination', (p) => { p.payout.onTermination = false; }, 'payout.onTermination'],
  ['inactive credit left out of payouts', (p) => { p.payout.includesInactiveCredit = false; }, 'payout.includesInactiveCredit'],
  ['WhatsApp amounts other than 15/25/50 EUR', (p) => { p.topUp.channels[0].exactAmountsCents = [1500, 2000]; }, 'topUp.channels[0].exactAmountsCents'],
  ['a negative-balance class the BGH does not allow', (p) => { p.negativeBalanceServiceClasses = ['DATA']; }, 'negativeBalanceServiceClasses[0]'],
  ['tiers out of order', (p) => { p.validity.topUp.tiers.reverse(); }, 'validity.topUp.tiers[1].minimumAmountCents'],
  ['a tier beyond the maximum', (p) => { p.validity.topUp.maximumMonths = 12; }, 'validity.topUp.tiers[1].months'],
  ['termination range upside down', (p) => { p.validity.termination.monthsWithoutTopUpMin = 25; }, 'validity.termination.monthsWithoutTopUpMin'],
  ['fewer notices than the brand gives', (p) => { p.validity.termination.advanceNoticeDaysBefore = [30]; }, 'validity.termination.advanceNoticeDaysBefore'],
  ['a 3-month annual package', (p) => { p.annualPackages[0].termMonths = 3; }, 'annualPackages[0].termMonths'],
  ['an annual package paid in instalments', (p) => { p.annualPackages[0].paidUpfront = false; }, 'annualPackages[0].paidUpfront'],
  ['fractional cents', (p) => { p.lowBalanceThresholdCents = 99.5; }, 'lowBalanceThresholdCents'],
  ['a minimum above the maximum', (p) => { p.topUp.minimumCents = 5000; p.topUp.maximumCents = 1000; }, 'topUp.minimumCents'],
  ['a channel amount outside the brand bounds', (p) => { p.topUp.maximumCents = 3000; }, 'topUp.channels[0].exactAmountsCents[2]'],
  ['a channel listed twice', (p) => { p.topUp.channels.push({ ...p.topUp.channels[0] }); }, 'topUp.channels'],
  ['a malformed USSD code', (p) => { p.balanceQueryCode = '100'; }, 'balanceQueryCode'],
  ['an unknown field', (p) => { p.validity.graceDays = 30; }, 'validity'],
];

describe('policy document schema', () => {
  it('accepts a complete document and keeps unknowns as null', () => {
    const parsed = parsePolicyDocument(valid());
    expect(parsed).toEqual({ ok: true, policy: valid() });
  });

  it.each(INVALID)('refuses %s, naming the field', (_name, mutate, field) => {
    const document = valid() as unknown as Record<string, unknown>;
    mutate(document);
    const parsed = parsePolicyDocument(document);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues.map((issue) => issue.field)).toContain(field);
  });

  it('stores omitted nullable facts as unknown (null)', () => {
    const { lowBalanceThresholdCents: _threshold, annualPackages: _packages, ...rest } = valid();
    const parsed = parsePolicyDocument(rest);
    expect(parsed.ok && [parsed.policy.lowBalanceThresholdCents, parsed.policy.annualPackages]).toEqual([null, null]);
  });

  it('throws for a trusted source that breaks the schema', () => {
    expect(() => assertPolicyDocument({ ...valid(), payout: { ...valid().payout, feeCents: 1 } })).toThrow(InvalidPolicyError);
  });
});
