import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

/** Channels an order can come through; names match the brand policy's channel kinds. */
export const TOP_UP_CHANNELS = ['APP_WEB', 'BANK_TRANSFER', 'VOUCHER', 'WHATSAPP', 'AUTOMATIC'] as const;
export type TopUpChannel = (typeof TOP_UP_CHANNELS)[number];

export const TOP_UP_STATUSES = ['PENDING', 'PAID', 'CREDITED', 'FAILED', 'EXPIRED', 'CANCELED', 'REFUND_PENDING', 'REFUNDED'] as const;
export type TopUpStatus = (typeof TOP_UP_STATUSES)[number];

export const PAYMENT_METHODS = ['PAYPAL', 'SOFORTUEBERWEISUNG', 'VISA', 'MASTERCARD', 'SEPA_DIRECT_DEBIT', 'VOUCHER'] as const;
export type OrderPaymentMethod = (typeof PAYMENT_METHODS)[number];

@Entity({ name: 'top_up_order' })
@Index('ix_top_up_order_account_created', ['accountId', 'createdAt'])
@Index('ix_top_up_order_provider_payment', ['providerPaymentId'])
export class TopUpOrderEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'brand_code', type: 'varchar', length: 32 })
  brandCode!: string;

  @Column({ name: 'amount_cents', type: 'bigint', transformer: bigintColumn })
  amountCents!: number;

  @Column({ type: 'varchar', length: 16 })
  channel!: TopUpChannel;

  @Column({ type: 'varchar', length: 16 })
  status!: TopUpStatus;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 128 })
  idempotencyKey!: string;

  /** Hash of what was asked for, so a reused idempotency key with another request is a CONFLICT. */
  @Column({ name: 'request_fingerprint', type: 'varchar', length: 64, nullable: true })
  requestFingerprint!: string | null;

  /** Secret part of the hosted payment page link. */
  @Column({ name: 'payment_token', type: 'varchar', length: 64, nullable: true })
  paymentToken!: string | null;

  @Column({ name: 'payment_method', type: 'varchar', length: 24, nullable: true })
  paymentMethod!: OrderPaymentMethod | null;

  @Column({ name: 'failure_reason', type: 'varchar', length: 255, nullable: true })
  failureReason!: string | null;

  @Column({ name: 'auto_top_up_rule_id', type: 'varchar', length: 36, nullable: true })
  autoTopUpRuleId!: string | null;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3, nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'paid_at', type: 'datetime', precision: 3, nullable: true })
  paidAt!: Date | null;

  @Column({ name: 'credited_at', type: 'datetime', precision: 3, nullable: true })
  creditedAt!: Date | null;

  @Column({ name: 'failed_at', type: 'datetime', precision: 3, nullable: true })
  failedAt!: Date | null;

  @Column({ name: 'expired_at', type: 'datetime', precision: 3, nullable: true })
  expiredAt!: Date | null;

  @Column({ name: 'canceled_at', type: 'datetime', precision: 3, nullable: true })
  canceledAt!: Date | null;

  /** The provider's checkout session, once the customer opened the payment link. */
  @Column({ name: 'provider_session_id', type: 'varchar', length: 255, nullable: true })
  providerSessionId!: string | null;

  @Column({ name: 'provider_checkout_url', type: 'varchar', length: 1024, nullable: true })
  providerCheckoutUrl!: string | null;

  /** The provider's payment (Stripe: PaymentIntent) that took the money: what a refund or a dispute names. */
  @Column({ name: 'provider_payment_id', type: 'varchar', length: 255, nullable: true })
  providerPaymentId!: string | null;

  /** Identifies the card or account that paid, for blocking it after a chargeback. */
  @Column({ name: 'payment_fingerprint', type: 'varchar', length: 128, nullable: true })
  paymentFingerprint!: string | null;

  @Column({ name: 'provider_refund_id', type: 'varchar', length: 255, nullable: true })
  providerRefundId!: string | null;

  /** Why the money goes back (credit refused, operator refund). */
  @Column({ name: 'refund_reason', type: 'varchar', length: 255, nullable: true })
  refundReason!: string | null;

  @Column({ name: 'refund_requested_at', type: 'datetime', precision: 3, nullable: true })
  refundRequestedAt!: Date | null;

  @Column({ name: 'refunded_at', type: 'datetime', precision: 3, nullable: true })
  refundedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
