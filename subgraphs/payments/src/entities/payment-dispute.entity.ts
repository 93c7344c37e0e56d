import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

export const DISPUTE_STATUSES = ['OPEN', 'WON', 'LOST', 'SETTLED'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/**
 * A chargeback of a top-up payment (section 11): the credit still on the account is taken back, what
 * was already used becomes an amount owed (never a negative balance), and the payment method that
 * was charged back pays no further top-ups of this account until the dispute is won or settled.
 */
@Entity({ name: 'payment_dispute' })
@Index('ix_payment_dispute_account', ['accountId'])
export class PaymentDisputeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'provider_dispute_id', type: 'varchar', length: 255, unique: true })
  providerDisputeId!: string;

  @Column({ name: 'order_id', type: 'varchar', length: 36 })
  orderId!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'brand_code', type: 'varchar', length: 32 })
  brandCode!: string;

  @Column({ name: 'amount_cents', type: 'bigint', transformer: bigintColumn })
  amountCents!: number;

  /** Credit taken back from the account (a ledger entry with the dispute as reference). */
  @Column({ name: 'recovered_cents', type: 'bigint', transformer: bigintColumn })
  recoveredCents!: number;

  /** What had been used already: owed by the customer, not a negative balance. */
  @Column({ name: 'owed_cents', type: 'bigint', transformer: bigintColumn })
  owedCents!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: DisputeStatus;

  @Column({ type: 'varchar', length: 64 })
  reason!: string;

  @Column({ name: 'payment_method', type: 'varchar', length: 24, nullable: true })
  paymentMethod!: string | null;

  @Column({ name: 'payment_fingerprint', type: 'varchar', length: 128, nullable: true })
  paymentFingerprint!: string | null;

  @Column({ name: 'opened_at', type: 'datetime', precision: 3 })
  openedAt!: Date;

  @Column({ name: 'closed_at', type: 'datetime', precision: 3, nullable: true })
  closedAt!: Date | null;
}
