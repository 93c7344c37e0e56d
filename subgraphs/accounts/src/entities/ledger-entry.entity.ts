import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

export const LEDGER_KINDS = [
  'TOP_UP',
  'USAGE',
  'OPTION_FEE',
  'THIRD_PARTY_CHARGE',
  'DELAYED_CHARGE',
  'PACKAGE_PURCHASE',
  'PAYOUT',
  'ADJUSTMENT',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** Append-only: rows are inserted, never updated or deleted. */
@Entity({ name: 'ledger_entry' })
@Index('uq_ledger_entry_account_reference', ['accountId', 'reference'], { unique: true })
export class LedgerEntryEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintColumn })
  @Generated('increment')
  id!: number;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: LedgerKind;

  /** Signed: credits are positive, debits negative. */
  @Column({ name: 'amount_cents', type: 'bigint', transformer: bigintColumn })
  amountCents!: number;

  @Column({ name: 'balance_after_cents', type: 'bigint', transformer: bigintColumn })
  balanceAfterCents!: number;

  @Column({ type: 'varchar', length: 128 })
  reference!: string;

  @Column({ type: 'varchar', length: 255 })
  reason!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
