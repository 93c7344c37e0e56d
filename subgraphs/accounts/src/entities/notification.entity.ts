import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

/**
 * A message for the customer (advance notice of a termination, a failed automatic top-up) that a
 * frontend can show or send. One per (account, reference), so every producer can retry safely.
 */
@ObjectType('Notification', { description: 'A message for the customer, e.g. an advance notice before the SIM is terminated.' })
@Entity({ name: 'notification' })
@Index('uq_notification_account_reference', ['accountId', 'reference'], { unique: true })
@Index('ix_notification_account_id', ['accountId', 'id'])
export class NotificationEntity {
  @Field(() => ID, { description: 'Stable notification id.' })
  @PrimaryColumn({ type: 'bigint', transformer: bigintColumn })
  @Generated('increment')
  id!: number;

  @Field(() => ID, { description: 'The account the notification is for.' })
  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Field({ description: 'What the notification is about, e.g. TERMINATION_NOTICE or AUTO_TOP_UP_FAILED.' })
  @Column({ type: 'varchar', length: 64 })
  kind!: string;

  @Field({ description: 'The text to show or send to the customer.' })
  @Column({ type: 'varchar', length: 1000 })
  message!: string;

  @Field({ description: 'The producer\'s key for the fact it reports; unique per account.' })
  @Column({ type: 'varchar', length: 160 })
  reference!: string;

  @Field({ description: 'When the notification was created.' })
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the customer read it; null while unread.' })
  @Column({ name: 'read_at', type: 'datetime', precision: 3, nullable: true })
  readAt!: Date | null;
}
