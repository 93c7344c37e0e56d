import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../data-source';

/**
 * A message written in the same transaction as the state change it announces and delivered later
 * by the relay, so a crash between the two steps loses nothing and delivers at least once. The
 * receiver deduplicates (e.g. the ledger's reference), which makes the whole path exactly-once.
 */
@Entity({ name: 'outbox_message' })
@Index('uq_outbox_message_dedupe_key', ['dedupeKey'], { unique: true })
@Index('ix_outbox_message_due', ['deliveredAt', 'nextAttemptAt'])
export class OutboxMessageEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintColumn })
  @Generated('increment')
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  topic!: string;

  /** One message per business fact (e.g. `credit:<order id>`): writing it twice is a no-op. */
  @Column({ name: 'dedupe_key', type: 'varchar', length: 160 })
  dedupeKey!: string;

  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3 })
  nextAttemptAt!: Date;

  @Column({ name: 'lease_until', type: 'datetime', precision: 3, nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'delivered_at', type: 'datetime', precision: 3, nullable: true })
  deliveredAt!: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
