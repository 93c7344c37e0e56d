import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Allow } from '../../../common/src/access';
import { Money } from '../../../common/src/money';
import { LedgerEntryEntity } from '../entities/ledger-entry.entity';
import type { AccountsContext } from '../schema';
import { DelayedChargeInput, LedgerCreditInput, LedgerDebitInput, LedgerPosting, ThirdPartyChargeInput } from '../types/ledger-posting.type';

@Resolver(() => LedgerEntryEntity)
export class LedgerResolver {
  @Allow('service')
  @Mutation(() => LedgerPosting, {
    description: 'Internal (payments, refunds): credit an account. Idempotent by reference; the same reference with another amount is a CONFLICT.',
  })
  creditAccount(
    @Arg('input', () => LedgerCreditInput, { description: 'What to credit.' }) input: LedgerCreditInput,
    @Ctx() { services }: AccountsContext,
  ): Promise<LedgerPosting> {
    return services.ledger.credit(input.kind, input);
  }

  @Allow('service')
  @Mutation(() => LedgerPosting, {
    description: 'Internal (refunds, payments): debit an account within its available credit. Idempotent by reference like creditAccount.',
  })
  debitAccount(
    @Arg('input', () => LedgerDebitInput, { description: 'What to debit.' }) input: LedgerDebitInput,
    @Ctx() { services }: AccountsContext,
  ): Promise<LedgerPosting> {
    return services.ledger.debit(input.kind, input);
  }

  @Allow('service')
  @Mutation(() => LedgerEntryEntity, {
    nullable: true,
    description:
      'Internal (payments): a chargeback takes back what is left of the credit, never below zero (null when nothing is left). Idempotent by reference.',
  })
  recoverCredit(
    @Arg('input', () => LedgerDebitInput, { description: 'The amount charged back; the debit is at most the available credit.' }) input: LedgerDebitInput,
    @Ctx() { services }: AccountsContext,
  ): Promise<LedgerEntryEntity | null> {
    return services.ledger.recover(input);
  }

  @Allow('service')
  @Mutation(() => LedgerPosting, {
    description:
      'Internal (network): book a delayed roaming, premium or value-added charge. It may go below zero only where the brand allows it for that class; otherwise it must fit the available credit (INSUFFICIENT_CREDIT).',
  })
  postDelayedCharge(
    @Arg('input', () => DelayedChargeInput, { description: 'The delayed charge.' }) input: DelayedChargeInput,
    @Ctx() { services }: AccountsContext,
  ): Promise<LedgerPosting> {
    return services.ledger.delayedCharge(input.chargeClass, input);
  }

  @Allow('service')
  @Mutation(() => LedgerPosting, {
    description: 'Internal (billing gateway): charge a third-party service within the available credit. THIRD_PARTY_BLOCKED while the account\'s billing block is on.',
  })
  chargeThirdParty(
    @Arg('input', () => ThirdPartyChargeInput, { description: 'The third-party charge.' }) input: ThirdPartyChargeInput,
    @Ctx() { services }: AccountsContext,
  ): Promise<LedgerPosting> {
    return services.ledger.thirdPartyCharge(input);
  }

  @FieldResolver(() => Money, { description: 'Signed amount: positive for credit, negative for debit.' })
  amount(@Root() entry: LedgerEntryEntity): Money {
    return Money.ofCents(entry.amountCents);
  }

  @FieldResolver(() => Money, { description: 'The balance right after this entry.' })
  balanceAfter(@Root() entry: LedgerEntryEntity): Money {
    return Money.ofCents(entry.balanceAfterCents);
  }
}
