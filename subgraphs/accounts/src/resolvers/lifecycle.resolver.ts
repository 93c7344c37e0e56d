import { GraphQLSafeInt } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Allow } from '../../../common/src/access';
import { Money } from '../../../common/src/money';
import { AccountEntity } from '../entities/account.entity';
import { NotificationEntity } from '../entities/notification.entity';
import type { AccountsContext } from '../schema';
import type { TerminationInitiator } from '../services/outbox-topics';
import { NotificationInput, TerminationInitiatorEnum } from '../types/lifecycle.type';

@Resolver(() => AccountEntity)
export class LifecycleResolver {
  @Allow('service')
  @Mutation(() => Int, {
    description: 'Internal (scheduler, operations): runs the validity lifecycle job once and returns how many status transitions it made.',
  })
  async runLifecycle(@Ctx() { services }: AccountsContext): Promise<number> {
    return (await services.lifecycle.run()).transitions;
  }

  @Allow('service')
  @Mutation(() => AccountEntity, {
    description:
      'Internal (refunds, operations): ends the contract. Open charging sessions are settled first, the account becomes TERMINATED with its credit kept, and a payout entitlement is opened. Terminating a terminated account returns it unchanged.',
  })
  terminateAccount(
    @Arg('accountId', () => ID, { description: 'The account.' }) accountId: string,
    @Arg('initiatedBy', () => TerminationInitiatorEnum, { description: 'Who ended the contract.' }) initiatedBy: TerminationInitiator,
    @Ctx() { services }: AccountsContext,
  ): Promise<AccountEntity> {
    return services.lifecycle.terminate(accountId, initiatedBy);
  }

  @Allow('service')
  @Mutation(() => AccountEntity, {
    description:
      'Internal (payments): a debit that takes the balance below this threshold triggers an automatic top-up (once per crossing). Null clears it.',
  })
  setAutoTopUpThreshold(
    @Arg('accountId', () => ID, { description: 'The account.' }) accountId: string,
    @Arg('thresholdCents', () => GraphQLSafeInt, { nullable: true, description: 'Threshold in cents (at least 1); null to clear.' })
    thresholdCents: number | null,
    @Ctx() { services }: AccountsContext,
  ): Promise<AccountEntity> {
    return services.accounts.setAutoTopUpThreshold(accountId, thresholdCents ?? null);
  }

  @Allow('service')
  @Mutation(() => NotificationEntity, {
    description: 'Internal (payments, jobs): keeps a notification for the customer. Idempotent by (accountId, reference).',
  })
  createNotification(
    @Arg('input', () => NotificationInput, { description: 'The notification.' }) input: NotificationInput,
    @Ctx() { services }: AccountsContext,
  ): Promise<NotificationEntity> {
    return services.notifications.create(input);
  }

  @FieldResolver(() => [NotificationEntity], { description: 'Notifications for the customer, newest first.' })
  notifications(
    @Root() account: AccountEntity,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many (1-100).' }) first: number,
    @Ctx() { services }: AccountsContext,
  ): Promise<NotificationEntity[]> {
    return services.notifications.list(account.id, first);
  }

  @FieldResolver(() => Money, {
    nullable: true,
    description: 'Balance below which a debit triggers the automatic top-up; null when none is set.',
  })
  autoTopUpThreshold(@Root() account: AccountEntity): Money | null {
    return account.autoTopUpThresholdCents === null ? null : Money.ofCents(account.autoTopUpThresholdCents);
  }
}
