import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

export const PAYOUT_REASONS = ['TERMINATION', 'QUARTERLY'] as const;
export type PayoutReason = (typeof PAYOUT_REASONS)[number];

export const PAYOUT_STATUSES = ['REQUESTED', 'APPROVED', 'PAID', 'REJECTED', 'FAILED'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

export const TERMINATION_INITIATORS = ['CUSTOMER', 'BRAND'] as const;
export type TerminationInitiator = (typeof TERMINATION_INITIATORS)[number];

export const PAYOUT_SOURCES = ['REQUEST', 'STANDING_ORDER'] as const;
export type PayoutSource = (typeof PAYOUT_SOURCES)[number];

/**
 * Payouts are free by law (BGH; see the domain rules, section 7): there is no fee column, so no
 * code path can ever store or deduct one.
 */
export const PAYOUT_FEE_CENTS = 0 as const;

@Entity({ name: 'payout' })
@Index('ix_payout_account_created', ['accountId', 'createdAt'])
@Index('uq_payout_open_key', ['openKey'], { unique: true })
@Index('uq_payout_quarter_key', ['quarterKey'], { unique: true })
@Index('ix_payout_status_created', ['status', 'createdAt'])
@Index('ix_payout_batch', ['batchId'])
export class PayoutEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'brand_code', type: 'varchar', length: 32 })
  brandCode!: string;

  /** Indicative while REQUESTED (the available credit then); fixed at approval, when it is debited. */
  @Column({ name: 'amount_cents', type: 'bigint', transformer: bigintColumn })
  amountCents!: number;

  @Column({ type: 'varchar', length: 16 })
  reason!: PayoutReason;

  @Column({ type: 'varchar', length: 16 })
  status!: PayoutStatus;

  @Column({ name: 'holder_name', type: 'varchar', length: 70, nullable: true })
  holderName!: string | null;

  /** AES-256-GCM (see IbanCipher); never stored or logged in clear. */
  @Column({ name: 'iban_encrypted', type: 'varchar', length: 255, nullable: true })
  ibanEncrypted!: string | null;

  @Column({ name: 'initiated_by', type: 'varchar', length: 16, nullable: true })
  initiatedBy!: TerminationInitiator | null;

  @Column({ name: 'quarter_label', type: 'varchar', length: 8, nullable: true })
  quarterLabel!: string | null;

  /** The account id while REQUESTED or APPROVED: one payout in flight per account (unique). */
  @Column({ name: 'open_key', type: 'varchar', length: 36, nullable: true })
  openKey!: string | null;

  /** `<account>:<quarter>` for a quarterly payout unless REJECTED/FAILED: one per account and quarter (unique). */
  @Column({ name: 'quarter_key', type: 'varchar', length: 48, nullable: true })
  quarterKey!: string | null;

  @Column({ name: 'payout_source', type: 'varchar', length: 16, default: 'REQUEST' })
  source!: PayoutSource;

  @Column({ name: 'requested_by', type: 'varchar', length: 200, nullable: true })
  requestedBy!: string | null;

  @Column({ name: 'status_reason', type: 'varchar', length: 500, nullable: true })
  statusReason!: string | null;

  @Column({ name: 'approved_at', type: 'datetime', precision: 3, nullable: true })
  approvedAt!: Date | null;

  /** When the ledger confirmed the PAYOUT debit (reference = payout id). */
  @Column({ name: 'debited_at', type: 'datetime', precision: 3, nullable: true })
  debitedAt!: Date | null;

  @Column({ name: 'batch_id', type: 'varchar', length: 36, nullable: true })
  batchId!: string | null;

  @Column({ name: 'paid_at', type: 'datetime', precision: 3, nullable: true })
  paidAt!: Date | null;

  @Column({ name: 'rejected_at', type: 'datetime', precision: 3, nullable: true })
  rejectedAt!: Date | null;

  @Column({ name: 'failed_at', type: 'datetime', precision: 3, nullable: true })
  failedAt!: Date | null;

  /** When the ledger confirmed the ADJUSTMENT credit `payout-return:<id>` of a failed payout. */
  @Column({ name: 'returned_at', type: 'datetime', precision: 3, nullable: true })
  returnedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
