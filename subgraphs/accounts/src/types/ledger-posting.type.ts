import { enumObject } from '../../../common/src/graphql-enum';
import { GraphQLBoolean } from 'graphql';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { AccountEntity } from '../entities/account.entity';
import { LedgerEntryEntity } from '../entities/ledger-entry.entity';
import { DELAYED_CHARGE_CLASSES } from '../rules/charging-rules.provider';
import type { DelayedChargeClass } from '../rules/charging-rules.provider';
import { CREDIT_KINDS, DEBIT_KINDS } from '../services/ledger.service';
import type { CreditKind, DebitKind } from '../services/ledger.service';


export const CreditKindEnum = enumObject(CREDIT_KINDS);
registerEnumType(CreditKindEnum, {
  name: 'CreditKind',
  description: 'What an internal credit is for.',
  valuesConfig: {
    TOP_UP: { description: 'A paid top-up (payments).' },
    ADJUSTMENT: { description: 'A correction, e.g. a failed payout coming back (refunds).' },
  },
});

export const DebitKindEnum = enumObject(DEBIT_KINDS);
registerEnumType(DebitKindEnum, {
  name: 'DebitKind',
  description: 'What an internal debit is for.',
  valuesConfig: {
    PAYOUT: { description: 'Remaining credit paid out (refunds).' },
    TOP_UP_REFUND: { description: 'A credited top-up whose payment goes back to the customer (payments).' },
    ADJUSTMENT: { description: 'A correction.' },
  },
});

export const DelayedChargeClassEnum = enumObject(DELAYED_CHARGE_CLASSES);
registerEnumType(DelayedChargeClassEnum, {
  name: 'DelayedChargeClass',
  description: 'Service classes the network may bill late; only these may ever take a balance below zero.',
  valuesConfig: {
    ROAMING: { description: 'Use abroad, billed by the visited network with a delay.' },
    PREMIUM: { description: 'Premium services.' },
    VALUE_ADDED: { description: 'Value-added services over voice or data.' },
  },
});

@InputType('LedgerCreditInput', { description: 'An idempotent credit to an account.' })
export class LedgerCreditInput {
  @Field(() => ID, { description: 'The account to credit.' })
  accountId!: string;

  @Field(() => GraphQLSafeInt, { description: 'Amount in euro cents; more than 0.' })
  amountCents!: number;

  @Field(() => CreditKindEnum, { description: 'What the credit is for.' })
  kind!: CreditKind;

  @Field({ description: 'Caller\'s unique reference (e.g. the top-up order id); a retry with it moves no money again.' })
  reference!: string;

  @Field({ description: 'Human-readable reason shown in the ledger.' })
  reason!: string;
}

@InputType('LedgerDebitInput', { description: 'An idempotent debit from an account\'s available credit.' })
export class LedgerDebitInput {
  @Field(() => ID, { description: 'The account to debit.' })
  accountId!: string;

  @Field(() => GraphQLSafeInt, { description: 'Amount in euro cents; more than 0.' })
  amountCents!: number;

  @Field(() => DebitKindEnum, { description: 'What the debit is for.' })
  kind!: DebitKind;

  @Field({ description: 'Caller\'s unique reference (e.g. the payout id); a retry with it moves no money again.' })
  reference!: string;

  @Field({ description: 'Human-readable reason shown in the ledger.' })
  reason!: string;
}

@InputType('DelayedChargeInput', { description: 'A charge the network reports after the fact.' })
export class DelayedChargeInput {
  @Field(() => ID, { description: 'The account to charge.' })
  accountId!: string;

  @Field(() => DelayedChargeClassEnum, { description: 'Service class of the charge.' })
  chargeClass!: DelayedChargeClass;

  @Field(() => GraphQLSafeInt, { description: 'Amount in euro cents; more than 0.' })
  amountCents!: number;

  @Field({ description: 'The network\'s unique charging record id; a retry with it moves no money again.' })
  reference!: string;

  @Field({ description: 'Human-readable reason shown in the ledger.' })
  reason!: string;
}

@ObjectType('LedgerPosting', { description: 'The result of an internal credit or debit; a retry returns the same entry.' })
export class LedgerPosting {
  @Field(() => LedgerEntryEntity, { description: 'The ledger entry of this reference.' })
  entry!: LedgerEntryEntity;

  @Field(() => AccountEntity, { description: 'The account as it is now.' })
  account!: AccountEntity;

  @Field(() => GraphQLBoolean, { description: 'True when the reference was already booked and nothing moved this time.' })
  replayed!: boolean;
}

@InputType('ThirdPartyChargeInput', { description: 'A third-party service (subscription) billed via the phone account.' })
export class ThirdPartyChargeInput {
  @Field(() => ID, { description: 'The account to charge.' })
  accountId!: string;

  @Field(() => GraphQLSafeInt, { description: 'Amount in euro cents; more than 0.' })
  amountCents!: number;

  @Field({ description: 'The provider\'s unique charge id; a retry with it moves no money again.' })
  reference!: string;

  @Field({ description: 'Human-readable reason including the provider, shown in the ledger.' })
  reason!: string;
}
