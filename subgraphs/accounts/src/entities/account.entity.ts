import { GraphQLBoolean } from 'graphql';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { AllowType } from '../../../common/src/access';
import { AccountStatusEnum } from '../../../common/src/account-status.enum';
import { LIFECYCLE_PHASES } from '../../../common/src/policy/validity-engine';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

export const ACCOUNT_STATUSES = LIFECYCLE_PHASES;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export { AccountStatusEnum };

// Who may read this entity's fields; the reference resolver and services still scope by account/brand.
@AllowType('customer', 'partner', 'operator', 'admin', 'service')
@Directive('@key(fields: "id")')
@ObjectType('Account', { description: 'A prepaid credit account (one SIM) of a brand.' })
@Entity({ name: 'account' })
export class AccountEntity {
  @Field(() => ID, { description: 'Stable account id.' })
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Field({ description: 'Phone number of the SIM in E.164 format, e.g. +4915112345678.' })
  @Column({ type: 'varchar', length: 16, unique: true })
  msisdn!: string;

  @Field({ description: 'Code of the brand the account belongs to, e.g. CONGSTAR.' })
  @Column({ name: 'brand_code', type: 'varchar', length: 32 })
  brandCode!: string;

  @Field(() => AccountStatusEnum, { description: 'Current lifecycle state.' })
  @Column({ type: 'varchar', length: 16 })
  status!: AccountStatus;

  @Field({ description: 'When the status last changed.' })
  @Column({ name: 'status_changed_at', type: 'datetime', precision: 3 })
  statusChangedAt!: Date;

  /** Cached sum of the ledger, written only in the same transaction as the entry that changes it. */
  @Column({ name: 'balance_cents', type: 'bigint', transformer: bigintColumn })
  balanceCents!: number;

  /**
   * Credit held for open charging sessions, written only under the account's row lock. Available
   * credit is balance minus this, and no ordinary debit or grant may take it below zero.
   */
  @Column({ name: 'reserved_cents', type: 'bigint', transformer: bigintColumn, default: 0 })
  reservedCents!: number;

  @Field(() => Date, { nullable: true, description: 'End of the current validity period, if the brand has one.' })
  @Column({ name: 'valid_until', type: 'datetime', precision: 3, nullable: true })
  validUntil!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When credit was last topped up.' })
  @Column({ name: 'last_top_up_at', type: 'datetime', precision: 3, nullable: true })
  lastTopUpAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the SIM last made a chargeable connection.' })
  @Column({ name: 'last_chargeable_use_at', type: 'datetime', precision: 3, nullable: true })
  lastChargeableUseAt!: Date | null;

  @Field(() => GraphQLBoolean, { description: 'Third-party billing block (Drittanbietersperre): third-party charges are refused.' })
  @Column({ name: 'third_party_block', type: 'boolean', default: false })
  thirdPartyBlock!: boolean;

  /** Below this balance a debit enqueues an automatic top-up trigger for payments; null: no automatic top-up. */
  @Column({ name: 'auto_top_up_threshold_cents', type: 'bigint', transformer: bigintColumn, nullable: true })
  autoTopUpThresholdCents!: number | null;

  @Field({ description: 'When the account was opened.' })
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
