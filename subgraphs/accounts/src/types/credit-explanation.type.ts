import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Money } from '../../../common/src/money';
import { LedgerCauseEnum, LedgerEntryEntity, LedgerKindEnum } from '../entities/ledger-entry.entity';
import type { LedgerCause, LedgerKind } from '../entities/ledger-entry.entity';

@ObjectType('CreditUse', { description: 'What one cause took from the credit since the last top-up.' })
export class CreditUse {
  @Field(() => LedgerKindEnum, { description: 'Kind of the entries.' })
  kind!: LedgerKind;

  @Field(() => LedgerCauseEnum, { nullable: true, description: 'Cause of the entries; null for entries without one.' })
  cause!: LedgerCause | null;

  @Field(() => Money, { description: 'How much it took (a positive amount).' })
  total!: Money;

  @Field(() => GraphQLSafeInt, { description: 'How many ledger entries it was.' })
  count!: number;

  @Field({ description: 'Why this takes credit, in words a customer understands, with the remedy where there is one.' })
  explanation!: string;
}

@ObjectType('CreditExplanation', { description: 'Where credit went since the last top-up ("my credit was gone right after topping up").' })
export class CreditExplanation {
  @Field(() => LedgerEntryEntity, { nullable: true, description: 'The latest top-up; null if there never was one (then: since opening).' })
  since!: LedgerEntryEntity | null;

  @Field(() => Money, { description: 'Everything debited since then (a positive amount).' })
  spent!: Money;

  @Field(() => [CreditUse], { description: 'What took the credit, largest first.' })
  uses!: CreditUse[];
}
