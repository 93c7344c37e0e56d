import { enumObject } from '../../../common/src/graphql-enum';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../../common/src/money';
import { PAYOUT_REASONS, PAYOUT_STATUSES } from '../entities/payout.entity';
import type { PayoutReason, PayoutStatus, TerminationInitiator } from '../entities/payout.entity';
import { ELIGIBILITY_REASONS } from '../services/payout-eligibility';
import type { EligibilityReason } from '../services/payout-eligibility';
import { RefundsAccount } from './account.type';
import { TerminationInitiatorEnum } from './termination-initiator.type';

export const PayoutReasonEnum = enumObject(PAYOUT_REASONS);
registerEnumType(PayoutReasonEnum, {
  name: 'PayoutReason',
  description: 'Why remaining credit is paid out.',
  valuesConfig: {
    TERMINATION: { description: 'The contract ended (terminated by the customer or the brand).' },
    QUARTERLY: { description: 'Quarterly payout without termination (Fonic, Fonic Mobile).' },
  },
});

export const PayoutStatusEnum = enumObject(PAYOUT_STATUSES);
registerEnumType(PayoutStatusEnum, {
  name: 'PayoutStatus',
  description: 'Where a payout stands.',
  valuesConfig: {
    REQUESTED: { description: 'The waiver declaration was received.' },
    APPROVED: { description: 'Approved; the credit is taken from the balance.' },
    PAID: { description: 'Transferred to the customer\'s bank account.' },
    REJECTED: { description: 'Refused, with a reason; nothing moved.' },
    FAILED: { description: 'The transfer failed; the money went back to the balance.' },
  },
});

export const PayoutEligibilityReasonEnum = enumObject(ELIGIBILITY_REASONS);
registerEnumType(PayoutEligibilityReasonEnum, {
  name: 'PayoutEligibilityReason',
  description: 'Why a payout can or cannot be requested now.',
  valuesConfig: {
    CONTRACT_ENDED: { description: 'Eligible: the contract ended; the whole remaining credit is paid out (reason TERMINATION).' },
    TERMINATION_REQUIRED: {
      description: 'Eligible by ending the contract: a TERMINATION request with terminateContract is also the notice of termination.',
    },
    QUARTERLY_OPEN: { description: 'Eligible: the brand pays out quarterly without termination and this quarter\'s payout is still open.' },
    NEGATIVE_BALANCE: { description: 'Not eligible: the balance is negative; the amount owed must be settled, it is never paid out.' },
    NO_CREDIT: { description: 'Not eligible: there is no credit to pay out.' },
    PAYOUT_IN_PROGRESS: { description: 'Not eligible: a payout of this account is requested or approved and not finished yet.' },
    QUARTERLY_ALREADY_USED: { description: 'Not eligible: this calendar quarter\'s payout was already made or is under way.' },
    QUARTERLY_NOT_OFFERED: { description: 'Not eligible: the brand pays out only at contract end, not quarterly.' },
    CONTRACT_ENDED_USE_TERMINATION: { description: 'Not eligible as QUARTERLY: the contract ended, request a TERMINATION payout.' },
  },
});

@ObjectType('Payout', { description: 'A payout of remaining credit to the customer\'s bank account. Always free of charge.' })
export class PayoutType {
  @Field(() => ID, { description: 'Payout id; also the ledger reference of its debit.' })
  id!: string;

  @Field(() => ID, { description: 'The account paid out.' })
  accountId!: string;

  @Field(() => RefundsAccount, { description: 'The account paid out.' })
  account!: RefundsAccount;

  @Field({ description: 'Brand of the account, e.g. FONIC.' })
  brandCode!: string;

  @Field(() => Money, {
    description: 'Amount paid out: the whole available credit, inactive credit included. Indicative while REQUESTED; fixed at approval.',
  })
  amount!: Money;

  @Field(() => Money, { description: 'Fee for the payout: always 0 (no fee, no SIM deposit and no porting fee are held back).' })
  fee!: Money;

  @Field(() => PayoutReasonEnum, { description: 'Why the credit is paid out.' })
  reason!: PayoutReason;

  @Field(() => PayoutStatusEnum, { description: 'Current state of the payout.' })
  status!: PayoutStatus;

  @Field(() => String, { nullable: true, description: 'Account holder as given in the waiver declaration.' })
  holderName!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Bank account (IBAN), grouped in fours. Shown in full only to the account\'s own customer, masked for everyone else.',
  })
  iban!: string | null;

  @Field(() => TerminationInitiatorEnum, { nullable: true, description: 'For TERMINATION: who ended the contract, when known.' })
  terminatedBy!: TerminationInitiator | null;

  @Field(() => String, { nullable: true, description: 'For QUARTERLY: the calendar quarter (Europe/Berlin), e.g. 2025-Q2.' })
  quarter!: string | null;

  @Field({ description: 'True when a quarterly standing order requested this payout.' })
  fromStandingOrder!: boolean;

  @Field({ description: 'True once the ledger booked the debit (at approval).' })
  debited!: boolean;

  @Field(() => String, { nullable: true, description: 'Why it was rejected or failed.' })
  statusReason!: string | null;

  @Field(() => ID, { nullable: true, description: 'The SEPA batch (bank file) the transfer was exported in.' })
  batchId!: string | null;

  @Field({ description: 'When the payout was requested.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was approved (and the amount fixed).' })
  approvedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the bank transfer was confirmed.' })
  paidAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was rejected.' })
  rejectedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the transfer failed.' })
  failedAt!: Date | null;
}

@ObjectType('PayoutPageInfo', { description: 'Where a page of payouts ends.' })
export class PayoutPageInfo {
  @Field(() => Boolean, { description: 'True when more payouts follow.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor to pass as `after` for the next page.' })
  endCursor!: string | null;
}

@ObjectType('PayoutConnection', { description: 'A page of payouts, oldest request first.' })
export class PayoutConnection {
  @Field(() => [PayoutType], { description: 'The payouts on this page.' })
  nodes!: PayoutType[];

  @Field(() => PayoutPageInfo, { description: 'Pagination.' })
  pageInfo!: PayoutPageInfo;

  @Field(() => GraphQLSafeInt, { description: 'How many payouts the list has (all pages).' })
  totalCount!: number;
}

@ObjectType('PayoutBrandTotal', { description: 'Payouts of one brand in one state.' })
export class PayoutBrandTotal {
  @Field({ description: 'Brand code, e.g. FONIC.' })
  brandCode!: string;

  @Field(() => PayoutStatusEnum, { description: 'State of the payouts counted.' })
  status!: PayoutStatus;

  @Field(() => GraphQLSafeInt, { description: 'How many payouts.' })
  count!: number;

  @Field(() => Money, { description: 'Their amount (for REQUESTED: the indicative amount).' })
  amount!: Money;
}

@ObjectType('PayoutEligibility', { description: 'Whether remaining credit can be paid out now, how much, or why not.' })
export class PayoutEligibilityType {
  @Field({ description: 'True when a payout request would be accepted now.' })
  eligible!: boolean;

  @Field(() => Money, { description: 'What would be paid out now: the whole available credit (0 when not eligible).' })
  amount!: Money;

  @Field(() => Money, { description: 'Money owed when the balance is negative (0 otherwise); it is settled, never paid out.' })
  owed!: Money;

  @Field(() => PayoutEligibilityReasonEnum, { description: 'Why the payout can or cannot be requested.' })
  reason!: EligibilityReason;

  @Field(() => PayoutReasonEnum, { nullable: true, description: 'The reason to give in requestPayout; null when none would be accepted.' })
  payoutReason!: PayoutReason | null;

  @Field(() => Date, { nullable: true, description: 'When the contract ended, if accounts reported a termination.' })
  terminatedAt!: Date | null;

  @Field(() => TerminationInitiatorEnum, { nullable: true, description: 'Who ended the contract, if accounts reported a termination.' })
  terminatedBy!: TerminationInitiator | null;
}

@ObjectType('PayoutBatch', { description: 'A SEPA credit transfer file (ISO 20022 pain.001.001.03) for the bank.' })
export class PayoutBatchType {
  @Field(() => ID, { description: 'Batch id.' })
  id!: string;

  @Field({ description: 'Message id of the file (GrpHdr/MsgId).' })
  messageId!: string;

  @Field({ description: 'Requested execution date (YYYY-MM-DD).' })
  executionDate!: string;

  @Field(() => GraphQLSafeInt, { description: 'Number of transfers (NbOfTxs).' })
  transactionCount!: number;

  @Field(() => Money, { description: 'Sum of all transfers (CtrlSum).' })
  controlSum!: Money;

  @Field({ description: 'When the file was created.' })
  createdAt!: Date;

  @Field(() => [ID], { description: 'The payouts in the file.' })
  payoutIds!: string[];

  @Field({ description: 'The pain.001.001.03 XML; contains full IBANs, so only admins and services may read it.' })
  xml!: string;
}

@ObjectType('QuarterlyPayoutOrder', { description: 'A standing order: the credit is paid out automatically once each calendar quarter.' })
export class QuarterlyPayoutOrderType {
  @Field(() => ID, { description: 'The account.' })
  accountId!: string;

  @Field({ description: 'Account holder.' })
  holderName!: string;

  @Field({ description: 'Bank account (IBAN), in full only for the account\'s own customer, masked otherwise.' })
  iban!: string;

  @Field({ description: 'When the order was set up.' })
  createdAt!: Date;

  @Field({ description: 'When the order was last changed.' })
  updatedAt!: Date;
}

@InputType('RequestPayoutInput', { description: 'The waiver declaration (Verzichtserklärung) with the bank details for the payout.' })
export class RequestPayoutInput {
  @Field(() => ID, { description: 'The account whose credit is paid out.' })
  accountId!: string;

  @Field({ description: 'Name of the account holder (2-70 characters).' })
  holderName!: string;

  @Field({ description: 'IBAN of a bank account in a SEPA country; spaces are allowed.' })
  iban!: string;

  @Field(() => PayoutReasonEnum, { description: 'TERMINATION (contract end) or QUARTERLY (only brands that offer it).' })
  reason!: PayoutReason;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'For TERMINATION on a running contract: true makes this request the customer\'s notice of termination too.',
  })
  terminateContract!: boolean;
}

@InputType('QuarterlyPayoutOrderInput', { description: 'Bank details for the automatic quarterly payout.' })
export class QuarterlyPayoutOrderInput {
  @Field(() => ID, { description: 'The account (its brand must offer quarterly payouts).' })
  accountId!: string;

  @Field({ description: 'Name of the account holder (2-70 characters).' })
  holderName!: string;

  @Field({ description: 'IBAN of a bank account in a SEPA country; spaces are allowed.' })
  iban!: string;
}
