import { enumObject } from '../../../common/src/graphql-enum';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { TERMINATION_INITIATORS } from '../services/lifecycle.service';

export const TerminationInitiatorEnum = enumObject(TERMINATION_INITIATORS);
// The refunds subgraph defines the same enum; composition needs the descriptions identical.
registerEnumType(TerminationInitiatorEnum, {
  name: 'TerminationInitiator',
  description: 'Who ended the contract.',
  valuesConfig: {
    CUSTOMER: { description: 'The customer terminated the contract.' },
    BRAND: { description: 'The brand terminated the contract (e.g. after the validity rules ran out).' },
  },
});

@InputType('NotificationInput', { description: 'A notification another subgraph asks accounts to keep for the customer.' })
export class NotificationInput {
  @Field(() => ID, { description: 'The account the notification is for.' })
  accountId!: string;

  @Field({ description: 'What it is about, in capitals, e.g. AUTO_TOP_UP_FAILED.' })
  kind!: string;

  @Field({ description: 'The text to show or send to the customer (1-1000 characters).' })
  message!: string;

  @Field({ description: 'The producer\'s key for the fact it reports; a repeat with the same key returns the first notification.' })
  reference!: string;
}
