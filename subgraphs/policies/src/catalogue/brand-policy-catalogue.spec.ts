import { BRAND_CODES } from '../../../common/src/brands';
import { parsePolicyDocument } from '../../../common/src/policy/policy-document';
import { checkTopUpAmount } from '../../../common/src/policy/top-up-amounts';
import { phaseAt, validityAfterTopUp, validityAtActivation } from '../../../common/src/policy/validity-engine';
import type { ValidityState } from '../../../common/src/policy/validity-engine';
import { BRAND_CATALOGUE } from './brand-catalogue';
import { INITIAL_BRAND_POLICIES } from './brand-policy-catalogue';

const ACTIVATED = new Date('2025-01-10T09:00:00.000Z');
const at = (day: string): Date => new Date(`${day}T09:00:00.000Z`);

describe('initial brand policies (version 1)', () => {
  it.each(BRAND_CODES.map((code) => [code]))('%s passes the policy schema and agrees with the brand catalogue', (code) => {
    const policy = INITIAL_BRAND_POLICIES[code];
    expect(parsePolicyDocument(policy)).toEqual({ ok: true, policy });
    const facts = BRAND_CATALOGUE.find((brand) => brand.code === code)!;
    expect([policy.network, policy.balanceQueryCode, policy.validityQueryCode]).toEqual([facts.network, facts.balanceQueryCode, facts.validityQueryCode]);
  });

  it('applies the issue\'s proofs with the shipped rules', () => {
    const start = (code: keyof typeof INITIAL_BRAND_POLICIES): ValidityState => validityAtActivation(INITIAL_BRAND_POLICIES[code].validity, ACTIVATED);

    // O2: a top-up of 1 cent adds 6 months.
    const o2 = INITIAL_BRAND_POLICIES.O2.validity;
    expect(start('O2').validUntil).toEqual(at('2025-07-10'));
    expect(validityAfterTopUp(o2, start('O2'), 1, at('2025-02-01')).state.validUntil).toEqual(at('2026-01-10'));

    // ALDI Talk: 15 EUR vs 30 EUR gives 12 vs 24 months.
    const aldi = INITIAL_BRAND_POLICIES.ALDI_TALK.validity;
    expect(validityAfterTopUp(aldi, start('ALDI_TALK'), 1500, at('2025-02-01')).state.validUntil).toEqual(at('2026-02-01'));
    expect(validityAfterTopUp(aldi, start('ALDI_TALK'), 3000, at('2025-02-01')).state.validUntil).toEqual(at('2027-02-01'));

    // LIDL Connect without a top-up: inactive after 12 months, deactivated a month later.
    const lidl = INITIAL_BRAND_POLICIES.LIDL_CONNECT.validity;
    expect(phaseAt(lidl, start('LIDL_CONNECT'), at('2026-01-09')).phase).toBe('ACTIVE');
    expect(phaseAt(lidl, start('LIDL_CONNECT'), at('2026-01-10')).phase).toBe('INACTIVE');
    expect(phaseAt(lidl, start('LIDL_CONNECT'), at('2026-02-10')).phase).toBe('DEACTIVATED');

    // Telekom: terminated 24 months after the last top-up; EDEKA smart after 15.
    const telekom = validityAfterTopUp(INITIAL_BRAND_POLICIES.TELEKOM.validity, start('TELEKOM'), 1500, at('2025-02-01')).state;
    expect(phaseAt(INITIAL_BRAND_POLICIES.TELEKOM.validity, telekom, at('2027-01-31')).phase).toBe('ACTIVE');
    expect(phaseAt(INITIAL_BRAND_POLICIES.TELEKOM.validity, telekom, at('2027-02-01')).phase).toBe('TERMINATED');
    const edeka = validityAfterTopUp(INITIAL_BRAND_POLICIES.EDEKA_SMART.validity, start('EDEKA_SMART'), 500, at('2025-02-01')).state;
    expect(phaseAt(INITIAL_BRAND_POLICIES.EDEKA_SMART.validity, edeka, at('2026-05-01')).phase).toBe('TERMINATED');

    // CallYa: 25 EUR gives at least 15 months; smaller amounts are unknown, not guessed.
    const callya = INITIAL_BRAND_POLICIES.VODAFONE_CALLYA.validity;
    expect(validityAfterTopUp(callya, start('VODAFONE_CALLYA'), 2500, at('2025-02-01')).state.validUntil).toEqual(at('2026-05-01'));
    expect(validityAfterTopUp(callya, start('VODAFONE_CALLYA'), 1000, at('2025-02-01')).reason).toBe('MONTHS_UNKNOWN');
  });

  it('takes WhatsApp top-ups of only 15, 25 or 50 EUR on Telekom and congstar', () => {
    for (const code of ['TELEKOM', 'CONGSTAR'] as const) {
      expect([1500, 2500, 5000, 2000].map((amount) => checkTopUpAmount(INITIAL_BRAND_POLICIES[code], 'WHATSAPP', amount).accepted)).toEqual([true, true, true, false]);
    }
  });

  it('keeps payouts free everywhere and quarterly only for Fonic and Fonic Mobile', () => {
    const quarterly = BRAND_CODES.filter((code) => INITIAL_BRAND_POLICIES[code].payout.quarterlyWithoutTermination);
    expect(quarterly).toEqual(['FONIC', 'FONIC_MOBILE']);
    expect(new Set(BRAND_CODES.map((code) => INITIAL_BRAND_POLICIES[code].payout.feeCents))).toEqual(new Set([0]));
  });

  it('zero-rates WhatsApp texts only on WhatsApp SIM and allows no negative balance anywhere', () => {
    expect(BRAND_CODES.filter((code) => INITIAL_BRAND_POLICIES[code].zeroRatedServices.includes('WHATSAPP_MESSAGES'))).toEqual(['WHATSAPP_SIM']);
    expect(BRAND_CODES.flatMap((code) => INITIAL_BRAND_POLICIES[code].negativeBalanceServiceClasses)).toEqual([]);
  });
});
