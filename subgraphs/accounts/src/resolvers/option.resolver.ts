import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Allow } from '../../../common/src/access';
import { notFound } from '../../../common/src/errors';
import { Money } from '../../../common/src/money';
import { AccountOptionEntity } from '../entities/account-option.entity';
import { ChargingServiceEnum } from '../entities/charging-session.entity';
import type { ChargingService } from '../entities/charging-session.entity';
import type { AccountsContext } from '../schema';

@Resolver(() => AccountOptionEntity)
export class OptionResolver {
  @Allow('customer', 'partner', 'admin', 'service')
  @Mutation(() => AccountOptionEntity, {
    description: 'Book an option or package; its first fee (a package: the whole term) is charged at once. INSUFFICIENT_CREDIT when it does not fit.',
  })
  async bookOption(
    @Arg('accountId', () => ID, { description: 'The account.' }) accountId: string,
    @Arg('code', { description: 'Offer code, e.g. ALLNET_FLAT, DATA_OPTION, PACKAGE_6M, PACKAGE_12M.' }) code: string,
    @Ctx() { principal, services }: AccountsContext,
  ): Promise<AccountOptionEntity> {
    const account = await services.accounts.getVisible(principal, accountId);
    return services.options.book(account, code);
  }

  @Allow('customer', 'partner', 'admin', 'service')
  @Mutation(() => AccountOptionEntity, {
    description: 'Cancel an option: it is not renewed and ends with its paid period (a paused option ends at once).',
  })
  async cancelOption(
    @Arg('optionId', () => ID, { description: 'The booking id.' }) optionId: string,
    @Ctx() { principal, services }: AccountsContext,
  ): Promise<AccountOptionEntity> {
    const option = await services.options.get(optionId);
    // Someone else's option reads as not found, like someone else's account.
    await services.accounts.getVisible(principal, option.accountId).catch(() => {
      throw notFound('Option', optionId);
    });
    return services.options.cancel(optionId);
  }

  @Allow('service')
  @Mutation(() => Int, {
    description: 'Internal (scheduler): renew options whose period ended (fee charged) or pause them when credit does not cover the fee; returns how many changed.',
  })
  renewDueOptions(@Ctx() { services }: AccountsContext): Promise<number> {
    return services.options.renewDue();
  }

  @FieldResolver(() => Money, { description: 'Fee per paid period (for a package: the whole term, paid upfront).' })
  fee(@Root() option: AccountOptionEntity): Money {
    return Money.ofCents(option.feeCents);
  }

  @FieldResolver(() => [ChargingServiceEnum], { description: 'Services that need no credit while the option is active.' })
  covers(@Root() option: AccountOptionEntity): ChargingService[] {
    return option.covers.split(',').filter(Boolean) as ChargingService[];
  }
}
