import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A quarterly payout the job requests by itself each quarter, to a stored bank account. */
@Entity({ name: 'payout_standing_order' })
export class PayoutStandingOrderEntity {
  @PrimaryColumn({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'brand_code', type: 'varchar', length: 32 })
  brandCode!: string;

  @Column({ name: 'holder_name', type: 'varchar', length: 70 })
  holderName!: string;

  @Column({ name: 'iban_encrypted', type: 'varchar', length: 255 })
  ibanEncrypted!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
