import { enumObject } from '../../../common/src/graphql-enum';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

export const LEDGER_KINDS = [
  'TOP_UP',
  'USAGE',
  'OPTION_FEE',
  'THIRD_PARTY_CHARGE',
  'DELAYED_CHARGE',
  'PACKAGE_PURCHASE',
  'PAYOUT',
  'TOP_UP_REFUND',
  'ADJUSTMENT',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const LedgerKindEnum = enumObject(LEDGER_KINDS);
registerEnumType(LedgerKindEnum, {
  name: 'LedgerKind',
  description: 'What kind of money movement a ledger entry records.',
  valuesConfig: {
    TOP_UP: { description: 'Credit loaded onto the account (Aufladung).' },
    USAGE: { description: 'Calls, SMS and data charged from credit.' },
    OPTION_FEE: { description: 'Monthly fee of a booked option (e.g. an Allnet Flat or a data option).' },
    THIRD_PARTY_CHARGE: { description: 'A third-party service billed via the phone account.' },
    DELAYED_CHARGE: { description: 'A charge the network reported late: roaming, premium or value-added services.' },
    PACKAGE_PURCHASE: { description: 'A 6- or 12-month package paid upfront.' },
    PAYOUT: { description: 'Remaining credit paid out to the customer.' },
    TOP_UP_REFUND: { description: 'A credited top-up taken back because its payment was refunded to the customer.' },
    ADJUSTMENT: { description: 'A manual or corrective booking.' },
  },
});

/** Why money moved, finer than the kind: this is what answers "where did my credit go?". */
export const LEDGER_CAUSES = [
  'TOP_UP',
  'VOICE',
  'SMS',
  'DATA_PER_MB',
  'OPTION_BOOKING',
  'OPTION_RENEWAL',
  'OPTION_REACTIVATION',
  'PACKAGE',
  'THIRD_PARTY',
  'ROAMING',
  'PREMIUM',
  'VALUE_ADDED',
  'PAYOUT',
  'TOP_UP_REFUND',
  'ADJUSTMENT',
] as const;
export type LedgerCause = (typeof LEDGER_CAUSES)[number];

export const LedgerCauseEnum = enumObject(LEDGER_CAUSES);
registerEnumType(LedgerCauseEnum, {
  name: 'LedgerCause',
  description: 'The cause of a ledger entry, finer than its kind.',
  valuesConfig: {
    TOP_UP: { description: 'A top-up.' },
    VOICE: { description: 'Calls charged by the minute.' },
    SMS: { description: 'Text messages.' },
    DATA_PER_MB: { description: 'Mobile data charged per MB because no data option covered it.' },
    OPTION_BOOKING: { description: 'The first monthly fee when an option was booked.' },
    OPTION_RENEWAL: { description: 'The monthly fee of an option at its renewal.' },
    OPTION_REACTIVATION: { description: 'An option paused for lack of credit was reactivated by a top-up and its fee charged at once.' },
    PACKAGE: { description: 'A 6- or 12-month package paid upfront.' },
    THIRD_PARTY: { description: 'A third-party service (subscription) billed via the phone account.' },
    ROAMING: { description: 'Delayed roaming charges.' },
    PREMIUM: { description: 'Delayed premium-service charges.' },
    VALUE_ADDED: { description: 'Delayed value-added-service charges over voice or data.' },
    PAYOUT: { description: 'Remaining credit paid out.' },
    TOP_UP_REFUND: { description: 'A top-up refunded to the payment method it came from.' },
    ADJUSTMENT: { description: 'A manual or corrective booking.' },
  },
});

/** Append-only: rows are inserted, never updated or deleted. */
@ObjectType('LedgerEntry', { description: 'One movement of credit. The balance is the sum of all entries of the account.' })
@Entity({ name: 'ledger_entry' })
@Index('uq_ledger_entry_account_reference', ['accountId', 'reference'], { unique: true })
export class LedgerEntryEntity {
  @Field(() => ID, { description: 'Entry id; increases with every entry and serves as the pagination cursor.' })
  @PrimaryColumn({ type: 'bigint', transformer: bigintColumn })
  @Generated('increment')
  id!: number;

  @Field(() => ID, { description: 'The account the entry belongs to.' })
  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Field(() => LedgerKindEnum, { description: 'What kind of movement this is.' })
  @Column({ type: 'varchar', length: 32 })
  kind!: LedgerKind;

  @Field(() => LedgerCauseEnum, { nullable: true, description: 'Why the money moved; null for entries from before causes were recorded.' })
  @Column({ type: 'varchar', length: 32, nullable: true })
  cause!: LedgerCause | null;

  /** Signed: credits are positive, debits negative. */
  @Column({ name: 'amount_cents', type: 'bigint', transformer: bigintColumn })
  amountCents!: number;

  @Column({ name: 'balance_after_cents', type: 'bigint', transformer: bigintColumn })
  balanceAfterCents!: number;

  @Field({ description: 'The caller\'s reference, unique per account; retries with it never move money twice.' })
  @Column({ type: 'varchar', length: 128 })
  reference!: string;

  @Field({ description: 'Human-readable reason, e.g. "Data option reactivated after top-up: fee charged".' })
  @Column({ type: 'varchar', length: 255 })
  reason!: string;

  @Field({ description: 'When the entry was booked.' })
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
