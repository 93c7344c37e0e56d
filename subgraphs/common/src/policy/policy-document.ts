import { z } from 'zod';

/**
 * The policy document a brand publishes. Every fact the domain rules (docs/domain-rules.md) leave open
 * is `null` here and reported as unknown; lists where "none" is the safe default (negative-balance
 * classes, zero-rated services) are empty instead.
 */

export const POLICY_SCHEMA_VERSION = 1;

export const NETWORKS = ['TELEKOM', 'VODAFONE', 'O2'] as const;
export type Network = (typeof NETWORKS)[number];

export const TOP_UP_CHANNEL_KINDS = [
  'VOUCHER',
  'APP_WEB',
  'BANK_TRANSFER',
  'AUTOMATIC',
  'WHATSAPP',
  'TOP_UP_NUMBER',
] as const;
export type TopUpChannelKind = (typeof TOP_UP_CHANNEL_KINDS)[number];

export const PAYMENT_METHODS = ['PAYPAL', 'SOFORTUEBERWEISUNG', 'VISA', 'MASTERCARD', 'SEPA_DIRECT_DEBIT'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** BGH III ZR 33/14: only late-billed charges of these classes may push a balance below zero. */
export const NEGATIVE_BALANCE_SERVICE_CLASSES = ['ROAMING', 'PREMIUM', 'VALUE_ADDED'] as const;
export type NegativeBalanceServiceClass = (typeof NEGATIVE_BALANCE_SERVICE_CLASSES)[number];

export const ZERO_RATED_SERVICES = ['WHATSAPP_MESSAGES'] as const;
export type ZeroRatedService = (typeof ZERO_RATED_SERVICES)[number];

export const TOP_UP_VALIDITY_EFFECTS = ['RESTART', 'EXTEND'] as const;
/** RESTART: the validity runs N months from the top-up. EXTEND: N months are added to the current end. */
export type TopUpValidityEffect = (typeof TOP_UP_VALIDITY_EFFECTS)[number];

export const AFTER_INACTIVE_PHASES = ['DEACTIVATED', 'TERMINATED'] as const;
export type AfterInactivePhase = (typeof AFTER_INACTIVE_PHASES)[number];

export const ANNUAL_PACKAGE_TERMS = [6, 12] as const;

/** WhatsApp top-up accepts exactly these amounts; anything else gets an error, never a rounded amount. */
export const WHATSAPP_TOP_UP_AMOUNTS_CENTS = [1500, 2500, 5000] as const;

/** Platform notice schedule (days before the earliest termination) when a brand's own schedule is unknown. */
export const DEFAULT_ADVANCE_NOTICE_DAYS_BEFORE = [56, 28, 7] as const;

// Every nullable fact is `.nullable().default(null)`: omitting it means "unknown", stored as null.
const cents = z.number().int('must be a whole number of cents').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER);
const positiveCents = cents.min(1, 'must be at least 1 cent');
const months = z.number().int('must be a whole number of months').min(1, 'must be at least 1 month').max(120, 'must be at most 120 months');
const ussdCode = z.string().regex(/^\*\d{2,4}(\*\d+)?#$/, 'must be a USSD code such as *100#');

function uniqueValues<T>(values: readonly T[]): boolean {
  return new Set(values).size === values.length;
}

const topUpChannelSchema = z
  .strictObject({
    kind: z.enum(TOP_UP_CHANNEL_KINDS),
    exactAmountsCents: z
      .array(positiveCents)
      .min(1, 'must list at least one amount, or be null when any amount within the bounds is accepted')
      .refine(uniqueValues, 'must not repeat an amount')
      .nullable().default(null),
    minimumCents: positiveCents.nullable().default(null),
    maximumCents: positiveCents.nullable().default(null),
    worksAbroad: z.boolean().nullable().default(null),
    contact: z.string().trim().min(1).max(100).nullable().default(null),
    provider: z.string().trim().min(1).max(100).nullable().default(null),
    paymentMethods: z.array(z.enum(PAYMENT_METHODS)).refine(uniqueValues, 'must not repeat a method').nullable().default(null),
  })
  .superRefine((channel, ctx) => {
    if (channel.minimumCents !== null && channel.maximumCents !== null && channel.minimumCents > channel.maximumCents) {
      ctx.addIssue({ code: 'custom', path: ['minimumCents'], message: 'must not be more than maximumCents' });
    }
    if (channel.kind === 'WHATSAPP') {
      const exact = [...(channel.exactAmountsCents ?? [])].sort((a, b) => a - b);
      if (exact.join() !== WHATSAPP_TOP_UP_AMOUNTS_CENTS.join()) {
        ctx.addIssue({
          code: 'custom',
          path: ['exactAmountsCents'],
          message: 'a WhatsApp top-up accepts exactly 1500, 2500 and 5000 cents (15, 25, 50 EUR)',
        });
      }
    }
    channel.exactAmountsCents?.forEach((amount, index) => {
      const tooSmall = channel.minimumCents !== null && amount < channel.minimumCents;
      const tooBig = channel.maximumCents !== null && amount > channel.maximumCents;
      if (tooSmall || tooBig) {
        ctx.addIssue({ code: 'custom', path: ['exactAmountsCents', index], message: 'must lie within minimumCents and maximumCents' });
      }
    });
  });

const topUpSchema = z
  .strictObject({
    minimumCents: positiveCents.nullable().default(null),
    maximumCents: positiveCents.nullable().default(null),
    // Section 11: limits checked before the customer pays; null means the platform default applies.
    maximumBalanceCents: positiveCents.nullable().default(null),
    dailyMaximumCents: positiveCents.nullable().default(null),
    knownAmountsCents: z.array(positiveCents).refine(uniqueValues, 'must not repeat an amount'),
    channelListComplete: z.boolean(),
    channels: z.array(topUpChannelSchema),
  })
  .superRefine((topUp, ctx) => {
    if (topUp.minimumCents !== null && topUp.maximumCents !== null && topUp.minimumCents > topUp.maximumCents) {
      ctx.addIssue({ code: 'custom', path: ['minimumCents'], message: 'must not be more than maximumCents' });
    }
    if (topUp.maximumCents !== null && topUp.maximumBalanceCents !== null && topUp.maximumCents > topUp.maximumBalanceCents) {
      ctx.addIssue({ code: 'custom', path: ['maximumCents'], message: 'must not be more than maximumBalanceCents' });
    }
    if (topUp.maximumCents !== null && topUp.dailyMaximumCents !== null && topUp.maximumCents > topUp.dailyMaximumCents) {
      ctx.addIssue({ code: 'custom', path: ['maximumCents'], message: 'must not be more than dailyMaximumCents' });
    }
    if (!uniqueValues(topUp.channels.map((channel) => channel.kind))) {
      ctx.addIssue({ code: 'custom', path: ['channels'], message: 'must list each channel kind once' });
    }
    if (topUp.channelListComplete && topUp.channels.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['channelListComplete'], message: 'a complete channel list needs at least one channel' });
    }
  });

const validityTierSchema = z.strictObject({
  minimumAmountCents: positiveCents,
  months: months.nullable().default(null),
  atLeast: z.boolean(),
});

const topUpValiditySchema = z
  .strictObject({
    effect: z.enum(TOP_UP_VALIDITY_EFFECTS),
    tiers: z.array(validityTierSchema).min(1, 'must have at least one tier'),
    maximumMonths: months.nullable().default(null),
    reactivatesInactive: z.boolean().nullable().default(null),
    reactivatesDeactivated: z.boolean().nullable().default(null),
  })
  .superRefine((rule, ctx) => {
    rule.tiers.forEach((tier, index) => {
      const previous = rule.tiers[index - 1];
      if (previous && tier.minimumAmountCents <= previous.minimumAmountCents) {
        ctx.addIssue({ code: 'custom', path: ['tiers', index, 'minimumAmountCents'], message: 'tiers must be in ascending order of amount' });
      }
      const previousMonths = rule.tiers.slice(0, index).reduce<number | null>((max, t) => (t.months === null ? max : Math.max(max ?? 0, t.months)), null);
      if (tier.months !== null && previousMonths !== null && tier.months < previousMonths) {
        ctx.addIssue({ code: 'custom', path: ['tiers', index, 'months'], message: 'a bigger top-up must not give fewer months' });
      }
      if (tier.months !== null && rule.maximumMonths !== null && tier.months > rule.maximumMonths) {
        ctx.addIssue({ code: 'custom', path: ['tiers', index, 'months'], message: 'must not exceed maximumMonths' });
      }
    });
  });

const terminationSchema = z
  .strictObject({
    monthsWithoutTopUpMin: months,
    monthsWithoutTopUpMax: months,
    advanceNoticeMinimumCount: z.number().int().min(1).max(10).nullable().default(null),
    advanceNoticeDaysBefore: z
      .array(z.number().int().min(1, 'must be at least 1 day').max(365, 'must be at most 365 days'))
      .min(1)
      .refine(uniqueValues, 'must not repeat a day')
      .nullable().default(null),
  })
  .superRefine((termination, ctx) => {
    if (termination.monthsWithoutTopUpMin > termination.monthsWithoutTopUpMax) {
      ctx.addIssue({ code: 'custom', path: ['monthsWithoutTopUpMin'], message: 'must not be more than monthsWithoutTopUpMax' });
    }
    const scheduled = termination.advanceNoticeDaysBefore?.length ?? DEFAULT_ADVANCE_NOTICE_DAYS_BEFORE.length;
    if (termination.advanceNoticeMinimumCount !== null && scheduled < termination.advanceNoticeMinimumCount) {
      ctx.addIssue({
        code: 'custom',
        path: ['advanceNoticeDaysBefore'],
        message: `must schedule at least advanceNoticeMinimumCount (${termination.advanceNoticeMinimumCount}) notices`,
      });
    }
  });

export const validityRuleSchema = z.strictObject({
  activationMonths: months.nullable().default(null),
  topUp: topUpValiditySchema.nullable().default(null),
  chargeableUseKeepsActiveDays: z.number().int().min(1).max(3660).nullable().default(null),
  afterExpiry: z.strictObject({
    inactiveMonths: z.number().int().min(0).max(120).nullable().default(null),
    then: z.enum(AFTER_INACTIVE_PHASES).nullable().default(null),
  }),
  termination: terminationSchema.nullable().default(null),
  recommendedTopUpIntervalMonths: months.nullable().default(null),
});

const payoutSchema = z.strictObject({
  // Remaining credit is paid out at contract end on request, whoever terminated (section 7).
  onTermination: z.literal(true, 'payout on termination is always offered'),
  quarterlyWithoutTermination: z.boolean(),
  // Settled in court: payout is free and nothing may be held back.
  feeCents: z.literal(0, 'a payout is always free of charge'),
  deductsSimDeposit: z.literal(false, 'no SIM deposit may be deducted from a payout'),
  deductsPortingFee: z.literal(false, 'no porting fee may be held back from a payout'),
  includesInactiveCredit: z.literal(true, 'inactive credit is always paid out too'),
});

const annualPackageSchema = z.strictObject({
  termMonths: z.union([z.literal(6), z.literal(12)], 'must be 6 or 12 months'),
  paidUpfront: z.literal(true, 'annual packages are always paid completely upfront'),
  priceCents: positiveCents.nullable().default(null),
  name: z.string().trim().min(1).max(100).nullable().default(null),
});

export const policyDocumentSchema = z
  .strictObject({
    schemaVersion: z.literal(POLICY_SCHEMA_VERSION),
    network: z.enum(NETWORKS).nullable().default(null),
    balanceQueryCode: ussdCode.nullable().default(null),
    validityQueryCode: ussdCode.nullable().default(null),
    topUp: topUpSchema,
    validity: validityRuleSchema,
    lowBalanceThresholdCents: cents.nullable().default(null),
    negativeBalanceServiceClasses: z.array(z.enum(NEGATIVE_BALANCE_SERVICE_CLASSES)).refine(uniqueValues, 'must not repeat a class'),
    zeroRatedServices: z.array(z.enum(ZERO_RATED_SERVICES)).refine(uniqueValues, 'must not repeat a service'),
    payout: payoutSchema,
    annualPackages: z.array(annualPackageSchema).nullable().default(null),
  })
  .superRefine((policy, ctx) => {
    policy.topUp.channels.forEach((channel, index) => {
      const below = policy.topUp.minimumCents;
      const above = policy.topUp.maximumCents;
      channel.exactAmountsCents?.forEach((amount, amountIndex) => {
        if ((below !== null && amount < below) || (above !== null && amount > above)) {
          ctx.addIssue({
            code: 'custom',
            path: ['topUp', 'channels', index, 'exactAmountsCents', amountIndex],
            message: 'must lie within the brand\'s topUp minimumCents and maximumCents',
          });
        }
      });
    });
  });

export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
export type ValidityRule = z.infer<typeof validityRuleSchema>;
export type TopUpChannel = PolicyDocument['topUp']['channels'][number];
export type ValidityTier = NonNullable<ValidityRule['topUp']>['tiers'][number];
export type TerminationRule = NonNullable<ValidityRule['termination']>;
export type AnnualPackage = NonNullable<PolicyDocument['annualPackages']>[number];

export interface PolicyIssue {
  /** Dotted path into the document, e.g. `topUp.channels[0].exactAmountsCents`. */
  field: string;
  message: string;
}

export type PolicyParseResult = { ok: true; policy: PolicyDocument } | { ok: false; issues: PolicyIssue[] };

export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((joined, key) => {
    if (typeof key === 'number') return `${joined}[${key}]`;
    return joined ? `${joined}.${String(key)}` : String(key);
  }, '');
}

/** Validates untrusted input (an admin's publication, a stored row) against the schema and its invariants. */
export function parsePolicyDocument(input: unknown): PolicyParseResult {
  const result = policyDocumentSchema.safeParse(input);
  if (result.success) return { ok: true, policy: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ field: formatIssuePath(issue.path), message: issue.message })),
  };
}

export class InvalidPolicyError extends Error {
  constructor(readonly issues: PolicyIssue[]) {
    super(`invalid policy document: ${issues.map((issue) => `${issue.field || '(document)'}: ${issue.message}`).join('; ')}`);
    this.name = 'InvalidPolicyError';
  }
}

/** For trusted sources (stored versions, the catalogue): a violation is a bug, so it throws. */
export function assertPolicyDocument(input: unknown): PolicyDocument {
  const parsed = parsePolicyDocument(input);
  if (!parsed.ok) throw new InvalidPolicyError(parsed.issues);
  return parsed.policy;
}
