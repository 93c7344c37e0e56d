import { Arg, Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import { Money } from '../../../common/src/money';
import type { PayoutReason } from '../entities/payout.entity';
import type { RefundsContext } from '../schema';
import { RefundsAccount } from '../types/account.type';
import { PayoutEligibilityType, PayoutReasonEnum, PayoutType, QuarterlyPayoutOrderType } from '../types/payout.type';
import { ELIGIBILITY_REQUIRES, accountFacts } from './account.mapper';
import { toPayout, toStandingOrder } from './payout.mapper';

@Resolver(() => RefundsAccount)
export class AccountPayoutsResolver {
  @Directive('@requires(fields: "brandCode")')
  @FieldResolver(() => [PayoutType], { nullable: true, description: 'Payouts of remaining credit for this account, newest first. Null, with a SERVICE_UNAVAILABLE error, while the service answering it is unavailable.' })
  async payouts(@Root() account: RefundsAccount, @Ctx() { principal, services }: RefundsContext): Promise<PayoutType[]> {
    const payouts = await services.payouts.forAccount(principal, account);
    return payouts.map((payout) => toPayout(payout, principal, services.cipher));
  }

  // The gateway fetches the account facts from accounts in the same query plan, sparing a call of ours.
  @Directive(`@requires(fields: "${ELIGIBILITY_REQUIRES}")`)
  @FieldResolver(() => PayoutEligibilityType, { nullable: true, description: 'Whether the remaining credit can be paid out now, how much, or why not. Null, with a SERVICE_UNAVAILABLE error, while the service answering it is unavailable.' })
  async payoutEligibility(
    @Root() account: RefundsAccount,
    @Arg('reason', () => PayoutReasonEnum, { nullable: true, description: 'Judge this payout reason; without it, the best available one.' })
    reason: PayoutReason | null,
    @Ctx() { principal, services }: RefundsContext,
  ): Promise<PayoutEligibilityType> {
    const facts = accountFacts(account);
    const [eligibility, entitlement] = await Promise.all([
      services.payouts.displayEligibility(principal, facts, reason ?? null),
      services.payouts.entitlementFor(facts),
    ]);
    return {
      eligible: eligibility.eligible,
      amount: Money.ofCents(eligibility.amountCents),
      owed: Money.ofCents(eligibility.owedCents),
      reason: eligibility.reason,
      payoutReason: eligibility.payoutReason,
      terminatedAt: entitlement?.terminatedAt ?? null,
      terminatedBy: entitlement?.initiatedBy ?? null,
    };
  }

  @Directive('@requires(fields: "brandCode")')
  @FieldResolver(() => QuarterlyPayoutOrderType, { nullable: true, description: 'The automatic quarterly payout (standing order), if set up.' })
  async quarterlyPayoutOrder(@Root() account: RefundsAccount, @Ctx() { principal, services }: RefundsContext): Promise<QuarterlyPayoutOrderType | null> {
    const order = await services.standingOrders.forAccount(principal, account);
    return order ? toStandingOrder(order, principal, services.cipher) : null;
  }
}
