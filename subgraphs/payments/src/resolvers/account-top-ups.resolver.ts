import { Arg, Ctx, Directive, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { PaymentsContext } from '../schema';
import { PaymentsAccount } from '../types/account.type';
import { TopUpType } from '../types/top-up.type';

@Resolver(() => PaymentsAccount)
export class AccountTopUpsResolver {
  @Directive('@requires(fields: "brandCode")')
  @FieldResolver(() => [TopUpType], { description: 'The account\'s most recent top-up orders, newest first.' })
  topUps(
    @Root() account: PaymentsAccount,
    @Arg('first', () => Int, { defaultValue: 10, description: 'How many to return (1-100).' }) first: number,
    @Ctx() { principal, services }: PaymentsContext,
  ): Promise<TopUpType[]> {
    return services.topUps.recentForAccount(principal, account, first);
  }
}
