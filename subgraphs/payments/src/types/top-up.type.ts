import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../../common/src/money';
import { TOP_UP_CHANNELS, TOP_UP_STATUSES } from '../entities/top-up-order.entity';
import type { TopUpChannel, TopUpStatus } from '../entities/top-up-order.entity';

export const TopUpChannelEnum = Object.fromEntries(TOP_UP_CHANNELS.map((value) => [value, value])) as {
  [C in TopUpChannel]: C;
};
registerEnumType(TopUpChannelEnum, {
  name: 'TopUpChannel',
  description: 'How credit was loaded.',
  valuesConfig: {
    APP: { description: 'In the brand\'s app.' },
    WEB: { description: 'On the brand\'s website.' },
    BANK_TRANSFER: { description: 'By bank transfer.' },
    VOUCHER: { description: 'With a voucher code (*103*<code>#).' },
    WHATSAPP: { description: 'By WhatsApp message with a payment link.' },
    AUTOMATIC: { description: 'By an automatic top-up rule.' },
  },
});

export const TopUpStatusEnum = Object.fromEntries(TOP_UP_STATUSES.map((value) => [value, value])) as {
  [S in TopUpStatus]: S;
};
registerEnumType(TopUpStatusEnum, {
  name: 'TopUpStatus',
  description: 'Where a top-up order stands.',
  valuesConfig: {
    PENDING: { description: 'Created, waiting for payment.' },
    PAID: { description: 'Paid; credit is on its way to the account.' },
    CREDITED: { description: 'The credit is on the account.' },
    FAILED: { description: 'Payment failed; nothing was credited.' },
    EXPIRED: { description: 'Not paid in time; nothing was credited.' },
    CANCELED: { description: 'Canceled before payment; nothing was credited.' },
  },
});

@ObjectType('TopUp', { description: 'An order to load credit onto an account.' })
export class TopUpType {
  @Field(() => ID, { description: 'Order id; also the ledger reference of its credit.' })
  id!: string;

  @Field(() => Money, { description: 'Amount to load.' })
  amount!: Money;

  @Field(() => TopUpChannelEnum, { description: 'Channel the order came through.' })
  channel!: TopUpChannel;

  @Field(() => TopUpStatusEnum, { description: 'Current state of the order.' })
  status!: TopUpStatus;

  @Field({ description: 'When the order was created.' })
  createdAt!: Date;
}
