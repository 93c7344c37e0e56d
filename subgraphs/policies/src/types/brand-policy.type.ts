import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import type {
  AfterInactivePhase,
  NegativeBalanceServiceClass,
  Network,
  PaymentMethod,
  TopUpChannelKind,
  TopUpValidityEffect,
  ZeroRatedService,
} from '../../../common/src/policy/policy-document';
import { NetworkEnum } from './brand.type';
import {
  AfterInactivePhaseEnum,
  NegativeBalanceServiceClassEnum,
  PaymentMethodEnum,
  TopUpChannelKindEnum,
  TopUpValidityEffectEnum,
  ZeroRatedServiceEnum,
} from './policy-enums.type';

/*
 * The policy document in GraphQL. Most classes are both the output type and the input type of
 * `publishBrandPolicy`, so the two cannot drift apart; the zod schema in common/src/policy checks
 * the invariants GraphQL cannot express. A null (or, in input, omitted) nullable field means unknown.
 */

@ObjectType('TopUpChannelPolicy', { description: 'A top-up channel the brand offers and the amounts it accepts.' })
@InputType('TopUpChannelPolicyInput', { description: 'A top-up channel the brand offers and the amounts it accepts.' })
export class TopUpChannelPolicyType {
  @Field(() => TopUpChannelKindEnum, { description: 'The channel.' })
  kind!: TopUpChannelKind;

  @Field(() => [GraphQLSafeInt], {
    nullable: true,
    description: 'The only amounts accepted, in cents (WhatsApp: 1500, 2500, 5000); null when any amount within the bounds is accepted.',
  })
  exactAmountsCents!: number[] | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'Smallest amount in cents on this channel; null when unknown.' })
  minimumCents!: number | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'Largest amount in cents on this channel; null when unknown.' })
  maximumCents!: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the channel works from abroad; null when unknown.' })
  worksAbroad!: boolean | null;

  @Field(() => String, { nullable: true, description: 'Number or address to use, e.g. the WhatsApp number; null when unknown.' })
  contact!: string | null;

  @Field(() => String, { nullable: true, description: 'Service provider that runs the channel, e.g. Liquix B.V.; null when unknown.' })
  provider!: string | null;

  @Field(() => [PaymentMethodEnum], { nullable: true, description: 'Payment methods offered on this channel; null when unknown.' })
  paymentMethods!: PaymentMethod[] | null;
}

@ObjectType('TopUpPolicy', { description: 'How credit can be topped up.' })
@InputType('TopUpPolicyInput', { description: 'How credit can be topped up.' })
export class TopUpPolicyType {
  @Field(() => GraphQLSafeInt, { nullable: true, description: 'Smallest top-up in cents on any channel; null when unknown.' })
  minimumCents!: number | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'Largest top-up in cents on any channel; null when unknown.' })
  maximumCents!: number | null;

  @Field(() => GraphQLSafeInt, {
    nullable: true,
    description: 'Highest balance in cents a top-up may lead to; null when unknown (then the platform limit applies).',
  })
  maximumBalanceCents!: number | null;

  @Field(() => GraphQLSafeInt, {
    nullable: true,
    description: 'Most cents one account may top up per calendar day (Europe/Berlin); null when unknown (then the platform limit applies).',
  })
  dailyMaximumCents!: number | null;

  @Field(() => [GraphQLSafeInt], { description: 'Amounts in cents the brand is known to accept (O2: 500, 1000); not an exclusive list.' })
  knownAmountsCents!: number[];

  @Field({ description: 'True when `channels` lists every channel; false when the brand may offer more.' })
  channelListComplete!: boolean;

  @Field(() => [TopUpChannelPolicyType], { description: 'The channels known to be offered.' })
  channels!: TopUpChannelPolicyType[];
}

@ObjectType('ValidityTier', { description: 'Validity granted by top-ups from an amount upwards.' })
@InputType('ValidityTierInput', { description: 'Validity granted by top-ups from an amount upwards.' })
export class ValidityTierType {
  @Field(() => GraphQLSafeInt, { description: 'Smallest top-up in cents that falls into this tier.' })
  minimumAmountCents!: number;

  @Field(() => Int, { nullable: true, description: 'Months of validity the tier grants; null when unknown.' })
  months!: number | null;

  @Field({ description: 'True when the brand guarantees at least these months (Vodafone CallYa: "at least 15 months").' })
  atLeast!: boolean;
}

@ObjectType('TopUpValidityRule', { description: 'What a top-up does to the validity.' })
@InputType('TopUpValidityRuleInput', { description: 'What a top-up does to the validity.' })
export class TopUpValidityRuleType {
  @Field(() => TopUpValidityEffectEnum, { description: 'Whether months run from the top-up or are added to the current end.' })
  effect!: TopUpValidityEffect;

  @Field(() => [ValidityTierType], { description: 'Tiers in ascending order of amount; an amount falls into the highest tier it reaches.' })
  tiers!: ValidityTierType[];

  @Field(() => Int, { nullable: true, description: 'Longest validity a top-up can give, in months (ALDI Talk: 24); null when unknown or none.' })
  maximumMonths!: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether a top-up reactivates an INACTIVE SIM; null when unknown (then it does not).' })
  reactivatesInactive!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether a top-up reactivates a DEACTIVATED SIM; null when unknown (then it does not).' })
  reactivatesDeactivated!: boolean | null;
}

@ObjectType('AfterExpiryRule', { description: 'What happens when the validity ends without a top-up.' })
@InputType('AfterExpiryRuleInput', { description: 'What happens when the validity ends without a top-up.' })
export class AfterExpiryRuleType {
  @Field(() => Int, { nullable: true, description: 'Months the SIM stays INACTIVE before the next phase (LIDL Connect: 1); null when unknown.' })
  inactiveMonths!: number | null;

  @Field(() => AfterInactivePhaseEnum, { nullable: true, description: 'The phase after the inactive months; null when unknown.' })
  then!: AfterInactivePhase | null;
}

@ObjectType('TerminationRule', { description: 'Termination of the SIM after a time without a top-up.' })
@InputType('TerminationRuleInput', { description: 'Termination of the SIM after a time without a top-up.' })
export class TerminationRuleType {
  @Field(() => Int, { description: 'Earliest month after the last top-up at which the brand terminates (Telekom: about 23).' })
  monthsWithoutTopUpMin!: number;

  @Field(() => Int, { description: 'Month after the last top-up at which the SIM is terminated (Telekom: 24).' })
  monthsWithoutTopUpMax!: number;

  @Field(() => Int, { nullable: true, description: 'How many advance notices the brand gives at least ("several" = 2); null when unknown.' })
  advanceNoticeMinimumCount!: number | null;

  @Field(() => [Int], {
    nullable: true,
    description: 'Days before the earliest termination on which notices go out; null when unknown (the platform then uses 56, 28 and 7).',
  })
  advanceNoticeDaysBefore!: number[] | null;
}

@ObjectType('ValidityRule', { description: 'How long a SIM stays usable and what follows. Unknown parts are null.' })
@InputType('ValidityRuleInput', { description: 'How long a SIM stays usable and what follows. Unknown parts are null.' })
export class ValidityRuleType {
  @Field(() => Int, { nullable: true, description: 'Months of validity from activation, before any top-up (O2: 6); null when unknown.' })
  activationMonths!: number | null;

  @Field(() => TopUpValidityRuleType, { nullable: true, description: 'What a top-up does to the validity; null when unknown.' })
  topUp!: TopUpValidityRuleType | null;

  @Field(() => Int, {
    nullable: true,
    description: 'A chargeable connection keeps the SIM active for this many days (Vodafone CallYa: 90); null when it does not or is unknown.',
  })
  chargeableUseKeepsActiveDays!: number | null;

  @Field(() => AfterExpiryRuleType, { description: 'What happens when the validity ends.' })
  afterExpiry!: AfterExpiryRuleType;

  @Field(() => TerminationRuleType, { nullable: true, description: 'Termination after a time without a top-up; null when none is known.' })
  termination!: TerminationRuleType | null;

  @Field(() => Int, { nullable: true, description: 'The brand recommends a top-up at least every this many months (EDEKA smart: 12); null when none.' })
  recommendedTopUpIntervalMonths!: number | null;
}

@ObjectType('PayoutPolicy', { description: 'Payout of remaining credit. Always free and without deductions.' })
export class PayoutPolicyType {
  @Field({ description: 'Remaining credit is paid out on request at contract end, whoever terminated. Always true.' })
  onTermination!: boolean;

  @Field({ description: 'Credit is paid out quarterly without termination (Fonic, Fonic Mobile).' })
  quarterlyWithoutTermination!: boolean;

  @Field(() => GraphQLSafeInt, { description: 'Fee for a payout in cents. Always 0.' })
  feeCents!: number;

  @Field({ description: 'Whether a SIM deposit is deducted. Always false.' })
  deductsSimDeposit!: boolean;

  @Field({ description: 'Whether a porting fee is held back. Always false.' })
  deductsPortingFee!: boolean;

  @Field({ description: 'Whether inactive credit is paid out too. Always true.' })
  includesInactiveCredit!: boolean;
}

@InputType('PayoutPolicyInput', { description: 'Payout of remaining credit. The fixed rules may be omitted; other values are refused.' })
export class PayoutPolicyInput {
  @Field({ description: 'Credit is paid out quarterly without termination (Fonic, Fonic Mobile).' })
  quarterlyWithoutTermination!: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Must be true when given: payout at contract end is always offered.' })
  onTermination?: boolean | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'Must be 0 when given: payouts are free.' })
  feeCents?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Must be false when given: no SIM deposit is deducted.' })
  deductsSimDeposit?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Must be false when given: no porting fee is held back.' })
  deductsPortingFee?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Must be true when given: inactive credit is paid out too.' })
  includesInactiveCredit?: boolean | null;
}

@ObjectType('AnnualPackage', { description: 'A 6- or 12-month package paid completely upfront; no top-up is needed during its term.' })
@InputType('AnnualPackageInput', { description: 'A 6- or 12-month package paid completely upfront; no top-up is needed during its term.' })
export class AnnualPackageType {
  @Field(() => Int, { description: 'Term in months: 6 or 12.' })
  termMonths!: 6 | 12;

  @Field({ description: 'Paid completely upfront. Always true.' })
  paidUpfront!: boolean;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'Price in cents; null when unknown.' })
  priceCents!: number | null;

  @Field(() => String, { nullable: true, description: 'Marketing name; null when unknown.' })
  name!: string | null;
}

@ObjectType('BrandPolicy', { description: 'The rules a brand sets, as one versioned document. Null means unknown.' })
export class BrandPolicyType {
  @Field(() => Int, { description: 'Version of the document format.' })
  schemaVersion!: number;

  @Field(() => NetworkEnum, { nullable: true, description: 'Network the brand uses; null when unknown.' })
  network!: Network | null;

  @Field(() => String, { nullable: true, description: 'USSD code for a free balance query, e.g. *100#; null when unknown.' })
  balanceQueryCode!: string | null;

  @Field(() => String, { nullable: true, description: 'USSD code that shows the remaining validity, e.g. *102#; null when unknown.' })
  validityQueryCode!: string | null;

  @Field(() => TopUpPolicyType, { description: 'Top-up channels and amounts.' })
  topUp!: TopUpPolicyType;

  @Field(() => ValidityRuleType, { description: 'The validity rule.' })
  validity!: ValidityRuleType;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'Balance in cents below which callers are told the balance is low; null when unknown.' })
  lowBalanceThresholdCents!: number | null;

  @Field(() => [NegativeBalanceServiceClassEnum], { description: 'Service classes whose late charges may make the balance negative; empty means none.' })
  negativeBalanceServiceClasses!: NegativeBalanceServiceClass[];

  @Field(() => [ZeroRatedServiceEnum], { description: 'Services that are free and work at zero balance.' })
  zeroRatedServices!: ZeroRatedService[];

  @Field(() => PayoutPolicyType, { description: 'Payout of remaining credit.' })
  payout!: PayoutPolicyType;

  @Field(() => [AnnualPackageType], { nullable: true, description: 'Annual packages on offer; null when unknown.' })
  annualPackages!: AnnualPackageType[] | null;
}

@InputType('BrandPolicyInput', { description: 'A complete policy document to publish. Omitted nullable fields are stored as unknown (null).' })
export class BrandPolicyInput {
  @Field(() => NetworkEnum, { nullable: true, description: 'Network the brand uses; omit or null when unknown.' })
  network?: Network | null;

  @Field(() => String, { nullable: true, description: 'USSD code for a free balance query, e.g. *100#.' })
  balanceQueryCode?: string | null;

  @Field(() => String, { nullable: true, description: 'USSD code that shows the remaining validity, e.g. *102#.' })
  validityQueryCode?: string | null;

  @Field(() => TopUpPolicyType, { description: 'Top-up channels and amounts.' })
  topUp!: TopUpPolicyType;

  @Field(() => ValidityRuleType, { description: 'The validity rule.' })
  validity!: ValidityRuleType;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'Low-balance threshold in cents.' })
  lowBalanceThresholdCents?: number | null;

  @Field(() => [NegativeBalanceServiceClassEnum], { description: 'Service classes whose late charges may make the balance negative; only where the brand\'s terms say so.' })
  negativeBalanceServiceClasses!: NegativeBalanceServiceClass[];

  @Field(() => [ZeroRatedServiceEnum], { description: 'Services that are free and work at zero balance.' })
  zeroRatedServices!: ZeroRatedService[];

  @Field(() => PayoutPolicyInput, { description: 'Payout of remaining credit.' })
  payout!: PayoutPolicyInput;

  @Field(() => [AnnualPackageType], { nullable: true, description: 'Annual packages on offer; omit or null when unknown.' })
  annualPackages?: AnnualPackageType[] | null;
}
