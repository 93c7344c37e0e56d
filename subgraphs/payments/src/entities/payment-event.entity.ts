import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Every provider event processed, by its id: a replayed event finds its row and changes nothing. */
@Entity({ name: 'payment_event' })
export class PaymentEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 64 })
  eventId!: string;

  @Column({ name: 'order_id', type: 'varchar', length: 36 })
  orderId!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: string;

  /** What the event did: APPLIED, or IGNORED with why (e.g. a late failure after success). */
  @Column({ type: 'varchar', length: 120 })
  outcome!: string;

  @Column({ name: 'received_at', type: 'datetime', precision: 3 })
  receivedAt!: Date;
}
