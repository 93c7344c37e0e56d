import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type WhatsAppDirection = 'INBOUND' | 'OUTBOUND';

/** The WhatsApp conversation log; the development adapter "sends" by writing OUTBOUND rows here. */
@Entity({ name: 'whatsapp_message' })
@Index('ix_whatsapp_message_msisdn', ['msisdn', 'createdAt'])
export class WhatsAppMessageEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 8 })
  direction!: WhatsAppDirection;

  /** The customer's number in E.164. */
  @Column({ type: 'varchar', length: 16 })
  msisdn!: string;

  /** Inbound: WhatsApp's message id, unique, so a redelivered webhook is processed once. */
  @Column({ name: 'provider_message_id', type: 'varchar', length: 128, nullable: true, unique: true })
  providerMessageId!: string | null;

  @Column({ type: 'varchar', length: 1000 })
  text!: string;

  @Column({ name: 'order_id', type: 'varchar', length: 36, nullable: true })
  orderId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
