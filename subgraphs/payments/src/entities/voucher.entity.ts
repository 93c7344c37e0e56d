import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

@Entity({ name: 'voucher_batch' })
export class VoucherBatchEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'brand_code', type: 'varchar', length: 32 })
  brandCode!: string;

  @Column({ name: 'value_cents', type: 'bigint', transformer: bigintColumn })
  valueCents!: number;

  @Column({ type: 'int' })
  size!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 100 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

/** Codes are stored only as a keyed hash: a database leak reveals no redeemable code. */
@Entity({ name: 'voucher' })
@Index('uq_voucher_code_hash', ['codeHash'], { unique: true })
export class VoucherEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'batch_id', type: 'varchar', length: 36 })
  batchId!: string;

  @Column({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash!: string;

  @Column({ name: 'brand_code', type: 'varchar', length: 32 })
  brandCode!: string;

  @Column({ name: 'value_cents', type: 'bigint', transformer: bigintColumn })
  valueCents!: number;

  @Column({ name: 'redeemed_at', type: 'datetime', precision: 3, nullable: true })
  redeemedAt!: Date | null;

  @Column({ name: 'redeemed_account_id', type: 'varchar', length: 36, nullable: true })
  redeemedAccountId!: string | null;

  @Column({ name: 'order_id', type: 'varchar', length: 36, nullable: true })
  orderId!: string | null;

  /** How often a redemption was undone because the ledger refused its credit; part of the next order's key. */
  @Column({ type: 'int', default: 0 })
  releases!: number;
}

/** Failed redemption attempts per account and caller, for the rate limit against guessing codes. */
@Entity({ name: 'voucher_attempt' })
@Index('ix_voucher_attempt_account_caller_time', ['accountId', 'caller', 'attemptedAt'])
export class VoucherAttemptEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  /** Who entered the code (`role:subject`): one guesser does not lock the account for the others. */
  @Column({ type: 'varchar', length: 120, default: '' })
  caller!: string;

  @Column({ name: 'attempted_at', type: 'datetime', precision: 3 })
  attemptedAt!: Date;
}
