import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../../common/src/money';
import { PAYOUT_REASONS, PAYOUT_STATUSES } from '../entities/payout.entity';
import type { PayoutReason, PayoutStatus } from '../entities/payout.entity';

export const PayoutReasonEnum = Object.fromEntries(PAYOUT_REASONS.map((value) => [value, value])) as {
  [R in PayoutReason]: R;
};
registerEnumType(PayoutReasonEnum, {
  name: 'PayoutReason',
  description: 'Why remaining credit is paid out.',
  valuesConfig: {
    TERMINATION: { description: 'The contract ended (terminated by the customer or the brand).' },
    QUARTERLY: { description: 'Quarterly payout without termination (Fonic, Fonic Mobile).' },
  },
});

export const PayoutStatusEnum = Object.fromEntries(PAYOUT_STATUSES.map((value) => [value, value])) as {
  [S in PayoutStatus]: S;
};
registerEnumType(PayoutStatusEnum, {
  name: 'PayoutStatus',
  description: 'Where a payout stands.',
  valuesConfig: {
    REQUESTED: { description: 'The waiver declaration was received.' },
    APPROVED: { description: 'Approved; the credit is taken from the balance.' },
    PAID: { description: 'Transferred to the customer\'s bank account.' },
    REJECTED: { description: 'Refused, with a reason; nothing moved.' },
    FAILED: { description: 'The transfer failed; the money went back to the balance.' },
  },
});

@ObjectType('Payout', { description: 'A payout of remaining credit to the customer\'s bank account. Always free of charge.' })
export class PayoutType {
  @Field(() => ID, { description: 'Payout id; also the ledger reference of its debit.' })
  id!: string;

  @Field(() => Money, { description: 'Amount paid out.' })
  amount!: Money;

  @Field(() => PayoutReasonEnum, { description: 'Why the credit is paid out.' })
  reason!: PayoutReason;

  @Field(() => PayoutStatusEnum, { description: 'Current state of the payout.' })
  status!: PayoutStatus;

  @Field({ description: 'When the payout was requested.' })
  createdAt!: Date;
}
