import { Field, ObjectType } from 'type-graphql';
import { Money } from '../../../common/src/money';
import type { PaymentMethod, TopUpChannelKind } from '../../../common/src/policy/policy-document';
import { PaymentMethodEnum, TopUpChannelKindEnum } from './policy-enums.type';

@ObjectType('TopUpChannelOption', { description: 'A top-up channel of a brand and the amounts it accepts.' })
export class TopUpChannelOptionType {
  @Field(() => TopUpChannelKindEnum, { description: 'The channel.' })
  kind!: TopUpChannelKind;

  @Field(() => [Money], { nullable: true, description: 'The only amounts accepted; any other amount is refused with an error. Null when not restricted to a list.' })
  exactAmounts!: Money[] | null;

  @Field(() => Money, { nullable: true, description: 'Smallest amount on this channel (channel or brand bound); null when unknown.' })
  minimum!: Money | null;

  @Field(() => Money, { nullable: true, description: 'Largest amount on this channel (channel or brand bound); null when unknown.' })
  maximum!: Money | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether the channel works from abroad; null when unknown.' })
  worksAbroad!: boolean | null;

  @Field(() => String, { nullable: true, description: 'Number or address to use, e.g. the WhatsApp number; null when unknown.' })
  contact!: string | null;

  @Field(() => [PaymentMethodEnum], { nullable: true, description: 'Payment methods on this channel; null when unknown.' })
  paymentMethods!: PaymentMethod[] | null;
}

@ObjectType('TopUpOptions', { description: 'How a customer of the brand can top up, under the policy in force now.' })
export class TopUpOptionsType {
  @Field(() => Money, { nullable: true, description: 'Smallest top-up on any channel; null when unknown.' })
  minimum!: Money | null;

  @Field(() => Money, { nullable: true, description: 'Largest top-up on any channel; null when unknown.' })
  maximum!: Money | null;

  @Field(() => [Money], { description: 'Amounts the brand is known to accept (O2: 5 and 10 EUR); not an exclusive list.' })
  knownAmounts!: Money[];

  @Field({ description: 'True when `channels` lists every channel; false when the brand may offer more.' })
  channelListComplete!: boolean;

  @Field(() => [TopUpChannelOptionType], { description: 'The channels known to be offered.' })
  channels!: TopUpChannelOptionType[];
}
