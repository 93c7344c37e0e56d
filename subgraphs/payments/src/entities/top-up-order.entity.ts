import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

export const TOP_UP_CHANNELS = ['APP', 'WEB', 'BANK_TRANSFER', 'VOUCHER', 'WHATSAPP', 'AUTOMATIC'] as const;
export type TopUpChannel = (typeof TOP_UP_CHANNELS)[number];

export const TOP_UP_STATUSES = ['PENDING', 'PAID', 'CREDITED', 'FAILED', 'EXPIRED', 'CANCELED'] as const;
export type TopUpStatus = (typeof TOP_UP_STATUSES)[number];

@Entity({ name: 'top_up_order' })
@Index('ix_top_up_order_account_created', ['accountId', 'createdAt'])
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

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
