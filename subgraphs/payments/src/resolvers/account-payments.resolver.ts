import { GraphQLSafeInt } from 'graphql-scalars';
import { Arg, Ctx, Directive, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Allow } from '../../../common/src/access';
import { accountScope, inScope } from '../../../common/src/authorization';
import type { PaymentsContext } from '../schema';
import { PaymentsAccount } from '../types/account.type';
import { AutoTopUpRuleInput, AutoTopUpRuleType, PaymentMethodSetupType, SavedPaymentMethodType, TopUpConnection, TopUpType } from '../types/top-up.type';
import { toAutoTopUpRule, toTopUp } from './top-up.mapper';

@Resolver(() => PaymentsAccount)
export class AccountPaymentsResolver {
  @Directive('@requires(fields: "brandCode")')
  @FieldResolver(() => TopUpConnection, { nullable: true, description: 'The account\'s top-up orders, newest first.' })
  async topUps(
    @Root() account: PaymentsAccount,
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many to return (1-100).' }) first: number,
    @Arg('after', () => ID, { nullable: true, description: 'Cursor (endCursor of the previous page).' }) after: string | null,
    @Ctx() { principal, services }: PaymentsContext,
  ): Promise<TopUpConnection> {
    const page = await services.topUps.pageForAccount(principal, account, first, after);
    return {
      nodes: page.orders.map((order) => toTopUp(order, services.checkoutUrl)),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.orders.at(-1)?.id ?? null },
    };
  }

  @Directive('@requires(fields: "brandCode")')
  @FieldResolver(() => AutoTopUpRuleType, { nullable: true, description: 'The account\'s automatic top-up rule, if any.' })
  async autoTopUp(@Root() account: PaymentsAccount, @Ctx() { principal, services }: PaymentsContext): Promise<AutoTopUpRuleType | null> {
    const rule = await services.autoTopUps.ruleForAccount(account.id);
    // Judged by the rule's stored account and brand: the representation's brandCode is the caller's to make up.
    if (!rule || !inScope(accountScope(principal), { id: rule.accountId, brandCode: rule.brandCode })) return null;
    return toAutoTopUpRule(rule);
  }

  @Allow('customer', 'partner', 'service')
  @Mutation(() => AutoTopUpRuleType, { description: 'Sets (or replaces) the account\'s automatic top-up rule.' })
  async setAutoTopUp(@Arg('input', () => AutoTopUpRuleInput, { description: 'The rule.' }) input: AutoTopUpRuleInput, @Ctx() { principal, services }: PaymentsContext): Promise<AutoTopUpRuleType> {
    return toAutoTopUpRule(await services.autoTopUps.setRule(principal, input));
  }

  @Allow('customer', 'partner', 'service')
  @Mutation(() => PaymentMethodSetupType, {
    description: 'Starts saving a payment method for automatic top-ups: the customer opens setupUrl, saves the method and consents to automatic charges.',
  })
  startPaymentMethodSetup(@Arg('accountId', () => ID, { description: 'The account.' }) accountId: string, @Ctx() { principal, services }: PaymentsContext): Promise<PaymentMethodSetupType> {
    return services.autoTopUps.startMethodSetup(principal, accountId);
  }

  @Directive('@requires(fields: "brandCode")')
  @FieldResolver(() => [SavedPaymentMethodType], { description: 'Payment methods saved for automatic top-ups.' })
  async savedPaymentMethods(@Root() account: PaymentsAccount, @Ctx() { principal, services }: PaymentsContext): Promise<SavedPaymentMethodType[]> {
    // Judged by each method's stored brand: the representation's brandCode is the caller's to make up.
    const scope = accountScope(principal);
    return (await services.autoTopUps.savedMethods(account.id)).filter((method) => inScope(scope, { id: method.accountId, brandCode: method.brandCode }));
  }

  @Allow('customer', 'partner', 'service')
  @Mutation(() => Boolean, { description: 'Removes the account\'s automatic top-up rule; false when there was none.' })
  removeAutoTopUp(@Arg('accountId', () => ID, { description: 'The account.' }) accountId: string, @Ctx() { principal, services }: PaymentsContext): Promise<boolean> {
    return services.autoTopUps.removeRule(principal, accountId);
  }

  @Allow('service')
  @Mutation(() => TopUpType, {
    nullable: true,
    description: 'Internal (accounts): a charge took the balance below the threshold. Fires the rule once per crossing; null when it did not fire.',
  })
  async autoTopUpTriggered(
    @Arg('accountId', () => ID, { description: 'The account whose balance fell.' }) accountId: string,
    @Arg('balanceCents', () => GraphQLSafeInt, { description: 'Balance after the charge.' }) balanceCents: number,
    @Arg('reference', { description: 'The charge that crossed the threshold.' }) reference: string,
    @Ctx() { services }: PaymentsContext,
  ): Promise<TopUpType | null> {
    const order = await services.autoTopUps.onBalanceBelowThreshold(accountId, balanceCents, reference);
    return order ? toTopUp(order, services.checkoutUrl) : null;
  }
}
