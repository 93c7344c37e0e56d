import { Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RefundsContext } from '../schema';
import { RefundsAccount } from '../types/account.type';
import { PayoutType } from '../types/payout.type';

@Resolver(() => RefundsAccount)
export class AccountPayoutsResolver {
  @Directive('@requires(fields: "brandCode")')
  @FieldResolver(() => [PayoutType], { description: 'Payouts of remaining credit for this account, newest first.' })
  payouts(@Root() account: RefundsAccount, @Ctx() { principal, services }: RefundsContext): Promise<PayoutType[]> {
    return services.payouts.forAccount(principal, account);
  }
}
