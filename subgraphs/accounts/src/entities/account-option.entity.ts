import { enumObject } from '../../../common/src/graphql-enum';
import { GraphQLBoolean } from 'graphql';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';
import { OPTION_KINDS } from '../rules/charging-rules.provider';
import type { OptionKind } from '../rules/charging-rules.provider';

export const OptionKindEnum = enumObject(OPTION_KINDS);
registerEnumType(OptionKindEnum, {
  name: 'OptionKind',
  description: 'How a booked option is paid.',
  valuesConfig: {
    OPTION: { description: 'A monthly option (e.g. Allnet Flat, data option); the fee is charged every month from credit.' },
    PACKAGE: { description: 'A 6- or 12-month package paid completely upfront; no top-up is needed during the term.' },
  },
});

export const OPTION_STATUSES = ['ACTIVE', 'PAUSED', 'ENDED'] as const;
export type OptionStatus = (typeof OPTION_STATUSES)[number];

export const OptionStatusEnum = enumObject(OPTION_STATUSES);
registerEnumType(OptionStatusEnum, {
  name: 'OptionStatus',
  description: 'Where a booked option stands.',
  valuesConfig: {
    ACTIVE: { description: 'Paid for the current period; its services need no credit.' },
    PAUSED: { description: 'The renewal fee did not fit the credit; the next top-up reactivates it and charges the fee at once.' },
    ENDED: { description: 'Canceled (at the end of its paid period) and no longer renewed.' },
  },
});

@ObjectType('AccountOption', { description: 'An option or package booked on an account.' })
@Entity({ name: 'account_option' })
@Index('ix_account_option_status_period', ['status', 'periodEnd'])
export class AccountOptionEntity {
  @Field(() => ID, { description: 'Booking id.' })
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Field(() => ID, { description: 'The account it is booked on.' })
  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Field({ description: 'Offer code, e.g. DATA_OPTION.' })
  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Field({ description: 'Offer name at booking time.' })
  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Field(() => OptionKindEnum, { description: 'Monthly option or upfront package.' })
  @Column({ type: 'varchar', length: 16 })
  kind!: OptionKind;

  @Column({ name: 'fee_cents', type: 'bigint', transformer: bigintColumn })
  feeCents!: number;

  @Field(() => Int, { description: 'Months one payment covers (1 for monthly options, 6 or 12 for packages).' })
  @Column({ name: 'term_months', type: 'int' })
  termMonths!: number;

  /** Comma-separated ChargingService values; the offer at booking time, so later price lists do not change it. */
  @Column({ type: 'varchar', length: 128 })
  covers!: string;

  @Field(() => OptionStatusEnum, { description: 'Current state.' })
  @Column({ type: 'varchar', length: 16 })
  status!: OptionStatus;

  @Field(() => GraphQLBoolean, { description: 'Renews at the end of the period; false after a cancellation.' })
  @Column({ type: 'boolean' })
  renews!: boolean;

  /** Number of paid periods so far; part of each fee's ledger reference so a period is charged once. */
  @Field(() => Int, { description: 'How many periods have been paid.' })
  @Column({ name: 'paid_periods', type: 'int' })
  paidPeriods!: number;

  @Field({ description: 'Start of the current (or last) paid period.' })
  @Column({ name: 'period_start', type: 'datetime', precision: 3 })
  periodStart!: Date;

  @Field({ description: 'End of the current (or last) paid period: the renewal date.' })
  @Column({ name: 'period_end', type: 'datetime', precision: 3 })
  periodEnd!: Date;

  @Field({ description: 'When it was booked.' })
  @Column({ name: 'booked_at', type: 'datetime', precision: 3 })
  bookedAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
