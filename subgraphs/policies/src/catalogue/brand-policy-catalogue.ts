import type { BrandCode } from '../../../common/src/brands';
import { POLICY_SCHEMA_VERSION, WHATSAPP_TOP_UP_AMOUNTS_CENTS } from '../../../common/src/policy/policy-document';
import type { PolicyDocument, TopUpChannel, ValidityRule } from '../../../common/src/policy/policy-document';
import { BRAND_CATALOGUE } from './brand-catalogue';

/**
 * Version 1 of every brand's policy, transcribed from docs/domain-rules.md. Whatever
 * the source leaves open is null (or an empty list where "none" is the only safe default); the
 * comments name the section each known value comes from.
 */

/** Version 1 governs everything before the first published change. */
export const INITIAL_POLICY_EFFECTIVE_FROM = new Date('1970-01-01T00:00:00.000Z');
export const INITIAL_POLICY_PUBLISHER = 'system:catalogue';

const UNKNOWN_VALIDITY: ValidityRule = {
  activationMonths: null,
  topUp: null,
  chargeableUseKeepsActiveDays: null,
  afterExpiry: { inactiveMonths: null, then: null },
  termination: null,
  recommendedTopUpIntervalMonths: null,
};

/** Section 4: the WhatsApp flow ends on a payment link offering these methods. */
function whatsAppChannel(contact: string | null, provider: string | null): TopUpChannel {
  return {
    kind: 'WHATSAPP',
    exactAmountsCents: [...WHATSAPP_TOP_UP_AMOUNTS_CENTS],
    minimumCents: null,
    maximumCents: null,
    worksAbroad: null,
    contact,
    provider,
    paymentMethods: ['PAYPAL', 'SOFORTUEBERWEISUNG', 'VISA', 'MASTERCARD'],
  };
}

function policy(code: BrandCode, overrides: Partial<Omit<PolicyDocument, 'network' | 'balanceQueryCode' | 'validityQueryCode'>>): PolicyDocument {
  const facts = BRAND_CATALOGUE.find((brand) => brand.code === code);
  if (!facts) throw new Error(`brand ${code} is missing from the catalogue`);
  return {
    schemaVersion: POLICY_SCHEMA_VERSION,
    network: facts.network,
    balanceQueryCode: facts.balanceQueryCode,
    validityQueryCode: facts.validityQueryCode,
    topUp: { minimumCents: null, maximumCents: null, maximumBalanceCents: null, dailyMaximumCents: null, knownAmountsCents: [], channelListComplete: false, channels: [] },
    validity: UNKNOWN_VALIDITY,
    // Section 1: the threshold is configurable per brand, but no brand's value is known.
    lowBalanceThresholdCents: null,
    // Section 3: a negative balance needs the brand's terms to say so; none is known to, so none may.
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
    // Section 8 describes annual packages, but not which brand offers which.
    annualPackages: null,
    ...overrides,
  };
}

const QUARTERLY_PAYOUT = {
  onTermination: true,
  quarterlyWithoutTermination: true,
  feeCents: 0,
  deductsSimDeposit: false,
  deductsPortingFee: false,
  includesInactiveCredit: true,
} as const;

export const INITIAL_BRAND_POLICIES: Readonly<Record<BrandCode, PolicyDocument>> = {
  TELEKOM: policy('TELEKOM', {
    topUp: {
      minimumCents: null,
      maximumCents: null,
      maximumBalanceCents: null,
      dailyMaximumCents: null,
      knownAmountsCents: [],
      channelListComplete: false,
      channels: [whatsAppChannel('+49 170 8828422', 'Liquix B.V.')],
    },
    validity: {
      ...UNKNOWN_VALIDITY,
      // Section 5: "terminated after about 23-24 months without a top-up; several advance notices".
      termination: {
        monthsWithoutTopUpMin: 23,
        monthsWithoutTopUpMax: 24,
        advanceNoticeMinimumCount: 2,
        advanceNoticeDaysBefore: null,
      },
    },
  }),
  CONGSTAR: policy('CONGSTAR', {
    topUp: { minimumCents: null, maximumCents: null, maximumBalanceCents: null, dailyMaximumCents: null, knownAmountsCents: [], channelListComplete: false, channels: [whatsAppChannel(null, null)] },
    validity: {
      ...UNKNOWN_VALIDITY,
      // Section 5: "a top-up within 15 months keeps the SIM active" (any amount).
      topUp: {
        effect: 'RESTART',
        tiers: [{ minimumAmountCents: 1, months: 15, atLeast: false }],
        maximumMonths: null,
        reactivatesInactive: null,
        reactivatesDeactivated: null,
      },
    },
  }),
  VODAFONE_CALLYA: policy('VODAFONE_CALLYA', {
    validity: {
      ...UNKNOWN_VALIDITY,
      // Section 5: 25 EUR keeps it active at least 15 months; smaller top-ups less, tiers unknown.
      topUp: {
        effect: 'RESTART',
        tiers: [
          { minimumAmountCents: 1, months: null, atLeast: false },
          { minimumAmountCents: 2500, months: 15, atLeast: true },
        ],
        maximumMonths: null,
        reactivatesInactive: null,
        reactivatesDeactivated: null,
      },
      // Section 5: one chargeable connection at least every 90 days keeps it active.
      chargeableUseKeepsActiveDays: 90,
    },
  }),
  O2: policy('O2', {
    // Section 4 "Small amounts": 5 and 10 EUR; section 5: even 1 cent counts, so 1 cent is accepted.
    topUp: { minimumCents: 1, maximumCents: null, maximumBalanceCents: null, dailyMaximumCents: null, knownAmountsCents: [500, 1000], channelListComplete: false, channels: [] },
    validity: {
      ...UNKNOWN_VALIDITY,
      // Section 5: valid 6 months; each top-up adds 6 months, even a 1-cent top-up.
      activationMonths: 6,
      topUp: {
        effect: 'EXTEND',
        tiers: [{ minimumAmountCents: 1, months: 6, atLeast: false }],
        maximumMonths: null,
        reactivatesInactive: null,
        reactivatesDeactivated: null,
      },
    },
  }),
  ALDI_TALK: policy('ALDI_TALK', {
    validity: {
      ...UNKNOWN_VALIDITY,
      // Section 5: 15 EUR gives 12 months, 30 EUR gives 24 (maximum); below 15 EUR is not stated.
      topUp: {
        effect: 'RESTART',
        tiers: [
          { minimumAmountCents: 1, months: null, atLeast: false },
          { minimumAmountCents: 1500, months: 12, atLeast: false },
          { minimumAmountCents: 3000, months: 24, atLeast: false },
        ],
        maximumMonths: 24,
        reactivatesInactive: null,
        reactivatesDeactivated: null,
      },
    },
  }),
  LIDL_CONNECT: policy('LIDL_CONNECT', {
    validity: {
      ...UNKNOWN_VALIDITY,
      // Issue 4: a SIM without any top-up is inactive after 12 months, like after a top-up.
      activationMonths: 12,
      // Section 5: usable 12 months after each top-up; every top-up restarts the 12 months,
      // including in the inactive month (that is what "restarts" means for a SIM not yet switched off).
      topUp: {
        effect: 'RESTART',
        tiers: [{ minimumAmountCents: 1, months: 12, atLeast: false }],
        maximumMonths: null,
        reactivatesInactive: true,
        reactivatesDeactivated: null,
      },
      // Section 5: then 1 month inactive, then deactivated.
      afterExpiry: { inactiveMonths: 1, then: 'DEACTIVATED' },
    },
  }),
  EDEKA_SMART: policy('EDEKA_SMART', {
    validity: {
      ...UNKNOWN_VALIDITY,
      // Section 5: usable 15 months after each top-up; terminated after 15 months without one.
      topUp: {
        effect: 'RESTART',
        tiers: [{ minimumAmountCents: 1, months: 15, atLeast: false }],
        maximumMonths: null,
        reactivatesInactive: null,
        reactivatesDeactivated: null,
      },
      termination: { monthsWithoutTopUpMin: 15, monthsWithoutTopUpMax: 15, advanceNoticeMinimumCount: null, advanceNoticeDaysBefore: null },
      recommendedTopUpIntervalMonths: 12,
    },
  }),
  // Section 7: Fonic and Fonic Mobile pay out credit quarterly without termination.
  FONIC: policy('FONIC', { payout: QUARTERLY_PAYOUT }),
  FONIC_MOBILE: policy('FONIC_MOBILE', { payout: QUARTERLY_PAYOUT }),
  BLAU: policy('BLAU', {}),
  NETZCLUB: policy('NETZCLUB', {}),
  // Section 1 and 5: WhatsApp texts are zero-rated on WhatsApp SIM and work at zero balance.
  WHATSAPP_SIM: policy('WHATSAPP_SIM', { zeroRatedServices: ['WHATSAPP_MESSAGES'] }),
};
