import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { OrderPaymentMethod } from './top-up-order.entity';

/**
 * A payment method the customer saved at the provider with consent to automatic charges (Stripe:
 * a Checkout session in setup mode). Automatic top-ups may charge only these, never a token typed in.
 */
@Entity({ name: 'saved_payment_method' })
@Index('ix_saved_payment_method_account', ['accountId'])
export class SavedPaymentMethodEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Column({ name: 'brand_code', type: 'varchar', length: 32 })
  brandCode!: string;

  /** SETUP_PENDING until the provider reports the completed setup, then SAVED. */
  @Column({ type: 'varchar', length: 16 })
  status!: 'SETUP_PENDING' | 'SAVED';

  @Column({ name: 'provider_setup_session_id', type: 'varchar', length: 255, nullable: true })
  providerSetupSessionId!: string | null;

  @Column({ name: 'provider_customer_id', type: 'varchar', length: 255, nullable: true })
  providerCustomerId!: string | null;

  @Column({ name: 'provider_method_id', type: 'varchar', length: 255, nullable: true })
  providerMethodId!: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  method!: OrderPaymentMethod | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  fingerprint!: string | null;

  /** What the customer recognises, e.g. "Visa •••• 4242". */
  @Column({ type: 'varchar', length: 64, nullable: true })
  label!: string | null;

  @Column({ name: 'consented_at', type: 'datetime', precision: 3, nullable: true })
  consentedAt!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
