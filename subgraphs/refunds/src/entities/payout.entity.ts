import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

export const PAYOUT_REASONS = ['TERMINATION', 'QUARTERLY'] as const;
export type PayoutReason = (typeof PAYOUT_REASONS)[number];

export const PAYOUT_STATUSES = ['REQUESTED', 'APPROVED', 'PAID', 'REJECTED', 'FAILED'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

@Entity({ name: 'payout' })
@Index('ix_payout_account_created', ['accountId', 'createdAt'])
export class PayoutEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'brand_code', type: 'varchar', length: 32 })
  brandCode!: string;

  @Column({ name: 'amount_cents', type: 'bigint', transformer: bigintColumn })
  amountCents!: number;

  @Column({ type: 'varchar', length: 16 })
  reason!: PayoutReason;

  @Column({ type: 'varchar', length: 16 })
  status!: PayoutStatus;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
