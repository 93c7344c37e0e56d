import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

/**
 * A SEPA credit transfer file handed to the bank. Only its header is stored: the XML holds clear
 * IBANs, so it is rebuilt from the (encrypted) payouts whenever it is read.
 */
@Entity({ name: 'payout_batch' })
export class PayoutBatchEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'message_id', type: 'varchar', length: 35 })
  messageId!: string;

  @Column({ name: 'execution_date', type: 'varchar', length: 10 })
  executionDate!: string;

  @Column({ name: 'transaction_count', type: 'int' })
  transactionCount!: number;

  @Column({ name: 'control_sum_cents', type: 'bigint', transformer: bigintColumn })
  controlSumCents!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
