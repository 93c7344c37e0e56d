import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

export const AUTO_TOP_UP_TRIGGERS = ['BELOW_THRESHOLD', 'MONTHLY'] as const;
export type AutoTopUpTrigger = (typeof AUTO_TOP_UP_TRIGGERS)[number];

/** One rule per account: load a fixed amount below a threshold, or on a day of each month. */
@Entity({ name: 'auto_top_up_rule' })
export class AutoTopUpRuleEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36, unique: true })
  accountId!: string;

  @Column({ name: 'brand_code', type: 'varchar', length: 32 })
  brandCode!: string;

  @Column({ name: 'trigger_kind', type: 'varchar', length: 16 })
  trigger!: AutoTopUpTrigger;

  @Column({ name: 'threshold_cents', type: 'bigint', transformer: bigintColumn, nullable: true })
  thresholdCents!: number | null;

  @Column({ name: 'day_of_month', type: 'int', nullable: true })
  dayOfMonth!: number | null;

  @Column({ name: 'amount_cents', type: 'bigint', transformer: bigintColumn })
  amountCents!: number;

  /** The account's saved payment method (SavedPaymentMethodEntity id); never card data itself. */
  @Column({ name: 'payment_method_ref', type: 'varchar', length: 64 })
  paymentMethodRef!: string;

  /** Why the rule stopped until the customer acts (authentication required, declined, chargeback). */
  @Column({ name: 'paused_reason', type: 'varchar', length: 255, nullable: true })
  pausedReason!: string | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** Threshold rules fire once per crossing: disarmed when they fire, re-armed by a credit above the threshold. */
  @Column({ type: 'boolean', default: true })
  armed!: boolean;

  /** Monthly rules fire once per month: the last month (YYYY-MM) they fired for. */
  @Column({ name: 'last_fired_period', type: 'varchar', length: 7, nullable: true })
  lastFiredPeriod!: string | null;

  @Column({ name: 'consecutive_failures', type: 'int', default: 0 })
  consecutiveFailures!: number;

  /** After a failed payment the rule waits until then (backoff) before it may fire again. */
  @Column({ name: 'retry_after', type: 'datetime', precision: 3, nullable: true })
  retryAfter!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
