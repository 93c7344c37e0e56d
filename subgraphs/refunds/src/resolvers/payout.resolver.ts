import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Allow } from '../../../common/src/access';
import { Money } from '../../../common/src/money';
import type { TerminationInitiator } from '../entities/payout.entity';
import type { RefundsContext } from '../schema';
import {
  PayoutBatchType,
  PayoutBrandTotal,
  PayoutConnection,
  PayoutType,
  QuarterlyPayoutOrderInput,
  QuarterlyPayoutOrderType,
  RequestPayoutInput,
} from '../types/payout.type';
import { TerminationInitiatorEnum } from '../types/termination-initiator.type';
import { toBatch, toPayout, toStandingOrder } from './payout.mapper';

@Resolver()
export class PayoutResolver {
  @Allow('customer', 'partner', 'operator', 'admin', 'service')
  @Query(() => PayoutType, { description: 'A payout by id. Customers see their own, partners their brand\'s.' })
  async payout(@Arg('id', () => ID, { description: 'The payout id.' }) id: string, @Ctx() { principal, services }: RefundsContext): Promise<PayoutType> {
    return toPayout(await services.payouts.get(principal, id), principal, services.cipher);
  }

  @Allow('partner', 'operator', 'admin', 'service')
  @Query(() => PayoutConnection, { description: 'Payouts waiting for approval or for the bank (REQUESTED, APPROVED), oldest first. Partners see their brand only.' })
  async pendingPayouts(
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size (1-100).' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page.' }) after: string | null,
    @Ctx() { principal, services }: RefundsContext,
  ): Promise<PayoutConnection> {
    const page = await services.payouts.pending(principal, first, after ?? null);
    return {
      nodes: page.payouts.map((payout) => toPayout(payout, principal, services.cipher)),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      totalCount: page.totalCount,
    };
  }

  @Allow('partner', 'operator', 'admin', 'service')
  @Query(() => [PayoutBrandTotal], { description: 'Payout count and amount per brand and state, for requests in [from, to). Partners see their brand only.' })
  async payoutTotalsByBrand(
    @Arg('from', () => Date, { nullable: true, description: 'Start of the period (inclusive); open when omitted.' }) from: Date | null,
    @Arg('to', () => Date, { nullable: true, description: 'End of the period (exclusive); open when omitted.' }) to: Date | null,
    @Ctx() { principal, services }: RefundsContext,
  ): Promise<PayoutBrandTotal[]> {
    const rows = await services.payouts.totalsByBrand(principal, from ?? null, to ?? null);
    return rows.map((row) => ({ brandCode: row.brandCode, status: row.status, count: row.count, amount: Money.ofCents(row.amountCents) }));
  }

  @Allow('admin', 'service')
  @Query(() => PayoutBatchType, { description: 'A SEPA batch with its XML file (full IBANs: admins and services only).' })
  async payoutBatch(@Arg('id', () => ID, { description: 'The batch id.' }) id: string, @Ctx() { services }: RefundsContext): Promise<PayoutBatchType> {
    const batch = await services.exports.get(id);
    return toBatch(batch, await services.exports.payoutIds(batch.id), await services.exports.xml(batch));
  }

  @Allow('customer', 'partner', 'service')
  @Mutation(() => PayoutType, {
    description:
      'The waiver declaration: pay the remaining credit out to a bank account, free of charge. TERMINATION for an ended contract (or, with terminateContract, ending it now); QUARTERLY where the brand offers it, once per calendar quarter. A negative balance is refused with INSUFFICIENT_CREDIT and the amount owed.',
  })
  async requestPayout(@Arg('input', () => RequestPayoutInput, { description: 'The declaration.' }) input: RequestPayoutInput, @Ctx() { principal, services }: RefundsContext): Promise<PayoutType> {
    return toPayout(await services.payouts.request(principal, input), principal, services.cipher);
  }

  @Allow('admin', 'service')
  @Mutation(() => PayoutType, { description: 'Approves a requested payout: the amount is fixed (the credit available now) and debited from the balance once.' })
  async approvePayout(@Arg('id', () => ID, { description: 'The payout id.' }) id: string, @Ctx() { principal, services }: RefundsContext): Promise<PayoutType> {
    return toPayout(await services.payouts.approve(principal, id), principal, services.cipher);
  }

  @Allow('admin', 'service')
  @Mutation(() => PayoutType, { description: 'Rejects a requested payout with a reason; nothing moves.' })
  async rejectPayout(
    @Arg('id', () => ID, { description: 'The payout id.' }) id: string,
    @Arg('reason', { description: 'Why (3-500 characters), shown to the customer.' }) reason: string,
    @Ctx() { principal, services }: RefundsContext,
  ): Promise<PayoutType> {
    return toPayout(await services.payouts.reject(principal, id, reason), principal, services.cipher);
  }

  @Allow('admin', 'service')
  @Mutation(() => PayoutBatchType, { nullable: true, description: 'Exports every approved, debited payout not yet sent to the bank as one SEPA file; null when there is none.' })
  async exportPayoutBatch(@Ctx() { principal, services }: RefundsContext): Promise<PayoutBatchType | null> {
    const batch = await services.exports.export(principal);
    return batch ? toBatch(batch, await services.exports.payoutIds(batch.id), await services.exports.xml(batch)) : null;
  }

  @Allow('admin', 'service')
  @Mutation(() => PayoutType, { description: 'The bank executed the transfer of an exported payout.' })
  async markPayoutPaid(@Arg('id', () => ID, { description: 'The payout id.' }) id: string, @Ctx() { principal, services }: RefundsContext): Promise<PayoutType> {
    return toPayout(await services.payouts.markPaid(principal, id), principal, services.cipher);
  }

  @Allow('admin', 'service')
  @Mutation(() => PayoutType, { description: 'The transfer failed or came back: the money returns to the balance (ledger ADJUSTMENT payout-return:<id>).' })
  async markPayoutFailed(
    @Arg('id', () => ID, { description: 'The payout id.' }) id: string,
    @Arg('reason', { description: 'What the bank reported (3-500 characters).' }) reason: string,
    @Ctx() { principal, services }: RefundsContext,
  ): Promise<PayoutType> {
    return toPayout(await services.payouts.markFailed(principal, id, reason), principal, services.cipher);
  }

  @Allow('customer', 'partner', 'service')
  @Mutation(() => QuarterlyPayoutOrderType, { description: 'Sets (or replaces) the automatic quarterly payout to a stored bank account; only for brands that pay out quarterly.' })
  async setQuarterlyPayoutOrder(
    @Arg('input', () => QuarterlyPayoutOrderInput, { description: 'The bank details.' }) input: QuarterlyPayoutOrderInput,
    @Ctx() { principal, services }: RefundsContext,
  ): Promise<QuarterlyPayoutOrderType> {
    return toStandingOrder(await services.standingOrders.set(principal, input), principal, services.cipher);
  }

  @Allow('customer', 'partner', 'service')
  @Mutation(() => Boolean, { description: 'Removes the automatic quarterly payout; false when there was none.' })
  removeQuarterlyPayoutOrder(@Arg('accountId', () => ID, { description: 'The account.' }) accountId: string, @Ctx() { principal, services }: RefundsContext): Promise<boolean> {
    return services.standingOrders.remove(principal, accountId);
  }

  @Allow('service')
  @Mutation(() => Boolean, { description: 'Internal (accounts): a contract was terminated; its remaining credit is to be paid out on request. Idempotent per account.' })
  openPayoutEntitlement(
    @Arg('accountId', () => ID, { description: 'The terminated account.' }) accountId: string,
    @Arg('brandCode', () => ID, { description: 'Its brand.' }) brandCode: string,
    @Arg('terminatedAt', () => Date, { description: 'When the contract ended.' }) terminatedAt: Date,
    @Arg('initiatedBy', () => TerminationInitiatorEnum, { description: 'Who ended it.' }) initiatedBy: TerminationInitiator,
    @Ctx() { services }: RefundsContext,
  ): Promise<boolean> {
    return services.payouts.openEntitlement({ accountId, brandCode, terminatedAt, initiatedBy });
  }

  @Allow('service')
  @Mutation(() => Int, { description: 'Internal (scheduler): runs the quarterly standing orders; returns how many payouts this run created.' })
  runQuarterlyPayouts(@Ctx() { services }: RefundsContext): Promise<number> {
    return services.standingOrders.runQuarterly();
  }
}
