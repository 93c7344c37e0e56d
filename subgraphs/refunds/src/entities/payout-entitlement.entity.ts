import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TerminationInitiator } from './payout.entity';

/** Accounts reported a terminated contract: its remaining credit is to be paid out on request. */
@Entity({ name: 'payout_entitlement' })
export class PayoutEntitlementEntity {
  @PrimaryColumn({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'brand_code', type: 'varchar', length: 32 })
  brandCode!: string;

  @Column({ name: 'terminated_at', type: 'datetime', precision: 3 })
  terminatedAt!: Date;

  @Column({ name: 'initiated_by', type: 'varchar', length: 16 })
  initiatedBy!: TerminationInitiator;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
