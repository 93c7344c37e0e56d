import { enumObject } from '../../../common/src/graphql-enum';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../../common/src/money';
import { PAYMENT_METHODS, TOP_UP_CHANNELS, TOP_UP_STATUSES } from '../entities/top-up-order.entity';
import type { OrderPaymentMethod, TopUpChannel, TopUpStatus } from '../entities/top-up-order.entity';
import { AUTO_TOP_UP_TRIGGERS } from '../entities/auto-top-up-rule.entity';
import type { AutoTopUpTrigger } from '../entities/auto-top-up-rule.entity';


export const TopUpChannelEnum = enumObject(TOP_UP_CHANNELS);
registerEnumType(TopUpChannelEnum, {
  name: 'TopUpChannel',
  description: 'How credit is loaded.',
  valuesConfig: {
    APP_WEB: { description: 'In the brand\'s app or on its website, paid on the hosted payment page.' },
    BANK_TRANSFER: { description: 'By bank transfer (Sofortüberweisung) on the hosted payment page.' },
    VOUCHER: { description: 'With a voucher code (*103*<code>#), also from abroad.' },
    WHATSAPP: { description: 'By WhatsApp message (15, 25 or 50 EUR) with a payment link.' },
    AUTOMATIC: { description: 'By an automatic top-up rule with a stored payment method.' },
  },
});

export const TopUpStatusEnum = enumObject(TOP_UP_STATUSES);
registerEnumType(TopUpStatusEnum, {
  name: 'TopUpStatus',
  description:
    'Where a top-up order stands: PENDING -> PAID -> CREDITED, or FAILED / EXPIRED / CANCELED; money that cannot be credited (or an operator refund) goes REFUND_PENDING -> REFUNDED.',
  valuesConfig: {
    PENDING: { description: 'Created, waiting for payment.' },
    PAID: { description: 'Paid; the credit is on its way to the account.' },
    CREDITED: { description: 'The credit is on the account.' },
    FAILED: { description: 'Payment failed; nothing was credited.' },
    EXPIRED: { description: 'Not paid in time; nothing was credited.' },
    CANCELED: { description: 'Canceled before payment; nothing was credited.' },
    REFUND_PENDING: { description: 'The payment goes back in full to the method it came from (credit refused, or refunded by an operator).' },
    REFUNDED: { description: 'The payment was refunded in full; nothing of it is on the account.' },
  },
});

export const PaymentMethodUsedEnum = enumObject(PAYMENT_METHODS);
registerEnumType(PaymentMethodUsedEnum, {
  name: 'TopUpPaymentMethod',
  description: 'How a top-up was paid.',
  valuesConfig: {
    PAYPAL: { description: 'PayPal.' },
    SOFORTUEBERWEISUNG: { description: 'Sofortüberweisung (instant bank transfer).' },
    VISA: { description: 'Visa card.' },
    MASTERCARD: { description: 'Mastercard.' },
    SEPA_DIRECT_DEBIT: { description: 'SEPA direct debit.' },
    VOUCHER: { description: 'A prepaid voucher code.' },
  },
});

export const AutoTopUpTriggerEnum = enumObject(AUTO_TOP_UP_TRIGGERS);
registerEnumType(AutoTopUpTriggerEnum, {
  name: 'AutoTopUpTrigger',
  description: 'When an automatic top-up loads credit.',
  valuesConfig: {
    BELOW_THRESHOLD: { description: 'When a charge takes the balance below the threshold.' },
    MONTHLY: { description: 'On a fixed day of each month.' },
  },
});

@ObjectType('TopUp', { description: 'An order to load credit onto an account.' })
export class TopUpType {
  @Field(() => ID, { description: 'Order id; also the ledger reference of its credit.' })
  id!: string;

  @Field(() => ID, { description: 'The account the credit goes to.' })
  accountId!: string;

  @Field(() => Money, { description: 'Amount to load.' })
  amount!: Money;

  @Field(() => TopUpChannelEnum, { description: 'Channel the order came through.' })
  channel!: TopUpChannel;

  @Field(() => TopUpStatusEnum, { description: 'Current state of the order.' })
  status!: TopUpStatus;

  @Field(() => PaymentMethodUsedEnum, { nullable: true, description: 'How it was paid, once paid.' })
  paymentMethod!: OrderPaymentMethod | null;

  @Field(() => String, { nullable: true, description: 'Link to the hosted payment page while the order waits for payment.' })
  paymentUrl!: string | null;

  @Field(() => String, { nullable: true, description: 'Why the payment failed.' })
  failureReason!: string | null;

  @Field(() => String, { nullable: true, description: 'Why the payment is refunded (REFUND_PENDING, REFUNDED).' })
  refundReason!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the provider confirmed the refund.' })
  refundedAt!: Date | null;

  @Field({ description: 'When the order was created.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Until when a pending order can be paid.' })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was paid.' })
  paidAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the credit reached the account.' })
  creditedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the payment failed.' })
  failedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the order expired unpaid.' })
  expiredAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the order was canceled.' })
  canceledAt!: Date | null;
}

@ObjectType('TopUpPageInfo', { description: 'Where a page of top-ups ends.' })
export class TopUpPageInfo {
  @Field(() => Boolean, { description: 'True when more top-ups follow.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor to pass as `after` for the next page.' })
  endCursor!: string | null;
}

@ObjectType('TopUpConnection', { description: 'A page of top-ups, newest first.' })
export class TopUpConnection {
  @Field(() => [TopUpType], { description: 'The top-ups on this page.' })
  nodes!: TopUpType[];

  @Field(() => TopUpPageInfo, { description: 'Pagination.' })
  pageInfo!: TopUpPageInfo;
}

@InputType('CreateTopUpInput', { description: 'A top-up to be paid on the hosted payment page.' })
export class CreateTopUpInput {
  @Field(() => ID, { description: 'The account to load.' })
  accountId!: string;

  @Field(() => GraphQLSafeInt, { description: 'Amount in euro cents; the brand decides which amounts each channel accepts.' })
  amountCents!: number;

  @Field(() => TopUpChannelEnum, { description: 'APP_WEB, BANK_TRANSFER or WHATSAPP.' })
  channel!: TopUpChannel;

  @Field({ description: 'Client-chosen key (8-128 characters); the same key and request return the same order.' })
  idempotencyKey!: string;
}

@ObjectType('TopUpVolume', { description: 'Credited top-ups of one brand and channel in a period.' })
export class TopUpVolumeType {
  @Field(() => ID, { description: 'Brand code.' })
  brandCode!: string;

  @Field(() => TopUpChannelEnum, { description: 'Channel.' })
  channel!: TopUpChannel;

  @Field(() => Int, { description: 'Number of credited top-ups.' })
  count!: number;

  @Field(() => Money, { description: 'Sum credited.' })
  amount!: Money;
}

@ObjectType('VoucherBatch', { description: 'A batch of voucher codes of one brand and value.' })
export class VoucherBatchType {
  @Field(() => ID, { description: 'Batch id.' })
  id!: string;

  @Field(() => ID, { description: 'Brand the codes are valid for.' })
  brandCode!: string;

  @Field(() => Money, { description: 'Value of each code.' })
  value!: Money;

  @Field(() => [String], { description: 'The codes, shown only in this answer: only their hashes are stored.' })
  codes!: string[];
}

@ObjectType('AutoTopUpRule', { description: 'The account\'s automatic top-up.' })
export class AutoTopUpRuleType {
  @Field(() => AutoTopUpTriggerEnum, { description: 'When it loads.' })
  trigger!: AutoTopUpTrigger;

  @Field(() => Money, { nullable: true, description: 'For BELOW_THRESHOLD: the balance under which it loads.' })
  threshold!: Money | null;

  @Field(() => Int, { nullable: true, description: 'For MONTHLY: the day of the month (1-28).' })
  dayOfMonth!: number | null;

  @Field(() => Money, { description: 'Amount loaded each time.' })
  amount!: Money;

  @Field(() => Boolean, { description: 'False after it fired, until a credit lifts the balance above the threshold again.' })
  armed!: boolean;

  @Field(() => Int, { description: 'Failed payments in a row.' })
  consecutiveFailures!: number;

  @Field(() => Date, { nullable: true, description: 'After a failure, when it may try again.' })
  retryAfter!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the rule is paused until the customer sets it again (the bank asked for authentication, declined, or a chargeback); null while it runs.',
  })
  pausedReason!: string | null;
}

@InputType('AutoTopUpRuleInput', { description: 'An automatic top-up rule.' })
export class AutoTopUpRuleInput {
  @Field(() => ID, { description: 'The account.' })
  accountId!: string;

  @Field(() => AutoTopUpTriggerEnum, { description: 'When it loads.' })
  trigger!: AutoTopUpTrigger;

  @Field(() => GraphQLSafeInt, { nullable: true, description: 'For BELOW_THRESHOLD: balance in cents under which to load.' })
  thresholdCents!: number | null;

  @Field(() => Int, { nullable: true, description: 'For MONTHLY: day of the month, 1-28.' })
  dayOfMonth!: number | null;

  @Field(() => GraphQLSafeInt, { description: 'Amount in cents loaded each time.' })
  amountCents!: number;

  @Field({ description: 'Id of a payment method saved for this account (startPaymentMethodSetup, savedPaymentMethods); never card data.' })
  paymentMethodRef!: string;
}

@ObjectType('WhatsAppMessage', { description: 'One message of a WhatsApp top-up conversation.' })
export class WhatsAppMessageType {
  @Field(() => ID, { description: 'Message id.' })
  id!: string;

  @Field({ description: 'INBOUND from the customer or OUTBOUND to them.' })
  direction!: string;

  @Field({ description: 'The customer\'s number (E.164).' })
  msisdn!: string;

  @Field({ description: 'Text of the message.' })
  text!: string;

  @Field(() => ID, { nullable: true, description: 'The top-up the message is about, if any.' })
  orderId!: string | null;

  @Field({ description: 'When it was received or sent.' })
  createdAt!: Date;
}

@ObjectType('PaymentMethodSetup', { description: 'A payment method being saved for automatic top-ups, with the customer\'s consent.' })
export class PaymentMethodSetupType {
  @Field(() => ID, { description: 'Id of the saved method: pass it as paymentMethodRef of setAutoTopUp once it is saved.' })
  id!: string;

  @Field({ description: 'The provider\'s page where the customer saves the method and consents to automatic charges.' })
  setupUrl!: string;
}

@ObjectType('SavedPaymentMethod', { description: 'A payment method saved at the provider for automatic top-ups (never card data itself).' })
export class SavedPaymentMethodType {
  @Field(() => ID, { description: 'Pass as paymentMethodRef of setAutoTopUp.' })
  id!: string;

  @Field(() => PaymentMethodUsedEnum, { nullable: true, description: 'Kind of method, where the provider told it.' })
  method!: OrderPaymentMethod | null;

  @Field(() => String, { nullable: true, description: 'What the customer recognises, e.g. "Visa •••• 4242".' })
  label!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the customer consented to automatic charges.' })
  consentedAt!: Date | null;
}

@ObjectType('PaymentDispute', { description: 'A chargeback of a top-up payment (disputed card or PayPal payment).' })
export class PaymentDisputeType {
  @Field(() => ID, { description: 'Dispute id.' })
  id!: string;

  @Field(() => ID, { description: 'The top-up whose payment was charged back.' })
  orderId!: string;

  @Field(() => ID, { description: 'The account.' })
  accountId!: string;

  @Field(() => ID, { description: 'Brand of the account.' })
  brandCode!: string;

  @Field(() => Money, { description: 'Amount charged back.' })
  amount!: Money;

  @Field(() => Money, { description: 'Credit taken back from the account.' })
  recovered!: Money;

  @Field(() => Money, { description: 'Credit that had been used already: owed by the customer, never a negative balance.' })
  owed!: Money;

  @Field({ description: 'OPEN, WON, LOST or SETTLED; OPEN and LOST block the payment method for the account.' })
  status!: string;

  @Field({ description: 'The reason the payer gave (the provider\'s code).' })
  reason!: string;

  @Field({ description: 'When the chargeback was reported.' })
  openedAt!: Date;
}
