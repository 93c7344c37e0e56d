import { GraphQLSafeInt } from 'graphql-scalars';
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Allow } from '../../../common/src/access';
import { badInput } from '../../../common/src/errors';
import { Money } from '../../../common/src/money';
import type { PaymentsContext } from '../schema';
import { CreateTopUpInput, PaymentDisputeType, TopUpType, TopUpVolumeType, VoucherBatchType, WhatsAppMessageType } from '../types/top-up.type';
import { toPaymentDispute, toTopUp, toWhatsAppMessage } from './top-up.mapper';

@Resolver()
export class TopUpResolver {
  @Allow('customer', 'partner', 'operator', 'admin', 'service')
  @Query(() => TopUpType, { description: 'A top-up order by id.' })
  async topUp(@Arg('id', () => ID, { description: 'Order id.' }) id: string, @Ctx() { principal, services }: PaymentsContext): Promise<TopUpType> {
    return toTopUp(await services.topUps.getVisible(principal, id), services.checkoutUrl);
  }

  @Allow('partner', 'operator', 'admin')
  @Query(() => [TopUpVolumeType], { description: 'Credited top-ups per brand and channel in [from, to); partners see their brand only.' })
  async topUpVolume(
    @Arg('from', () => Date, { description: 'Start of the period (inclusive).' }) from: Date,
    @Arg('to', () => Date, { description: 'End of the period (exclusive).' }) to: Date,
    @Ctx() { principal, services }: PaymentsContext,
  ): Promise<TopUpVolumeType[]> {
    const rows = await services.topUps.volume(principal, from, to);
    return rows.map((row) => ({ brandCode: row.brandCode, channel: row.channel, count: row.count, amount: Money.ofCents(row.amountCents) }));
  }

  @Allow('customer', 'partner', 'service')
  @Mutation(() => TopUpType, {
    description: 'Creates a top-up to pay on the hosted payment page (see paymentUrl). Same idempotency key and request: the same order.',
  })
  async createTopUp(@Arg('input', () => CreateTopUpInput, { description: 'What to load, how, and the idempotency key.' }) input: CreateTopUpInput, @Ctx() { principal, services }: PaymentsContext): Promise<TopUpType> {
    return toTopUp(await services.topUps.create(principal, input), services.checkoutUrl);
  }

  @Allow('admin')
  @Mutation(() => TopUpType, {
    description:
      'Refunds a credited top-up in full to the payment method it came from: the credit is taken back from the ledger first (INSUFFICIENT_CREDIT when it is already spent, and nothing changes), then the provider refunds once.',
  })
  async refundTopUp(
    @Arg('id', () => ID, { description: 'Order id.' }) id: string,
    @Arg('reason', { description: 'Why (1-200 characters), kept with the order.' }) reason: string,
    @Ctx() { principal, services }: PaymentsContext,
  ): Promise<TopUpType> {
    return toTopUp(await services.topUps.refundCredited(principal, id, reason), services.checkoutUrl);
  }

  @Allow('operator', 'admin')
  @Query(() => [PaymentDisputeType], { description: 'Chargebacks of top-up payments, newest first (at most 200).' })
  async paymentDisputes(
    @Arg('status', () => String, { nullable: true, description: 'Only disputes in this status (OPEN, WON, LOST, SETTLED).' }) status: string | null,
    @Ctx() { services }: PaymentsContext,
  ): Promise<PaymentDisputeType[]> {
    return (await services.disputes.list(status)).map(toPaymentDispute);
  }

  @Allow('admin')
  @Mutation(() => PaymentDisputeType, {
    description: 'Records that what a lost chargeback left owed has been settled: the charged-back payment method may pay top-ups of the account again.',
  })
  async settlePaymentDispute(@Arg('id', () => ID, { description: 'Dispute id.' }) id: string, @Ctx() { services }: PaymentsContext): Promise<PaymentDisputeType> {
    return toPaymentDispute(await services.disputes.settle(id));
  }

  @Allow('customer', 'partner', 'service')
  @Mutation(() => TopUpType, { description: 'Cancels a top-up that has not been paid yet.' })
  async cancelTopUp(@Arg('id', () => ID, { description: 'Order id.' }) id: string, @Ctx() { principal, services }: PaymentsContext): Promise<TopUpType> {
    return toTopUp(await services.topUps.cancel(principal, id), services.checkoutUrl);
  }

  @Allow('customer', 'partner', 'service')
  @Mutation(() => TopUpType, {
    description: 'Redeems a voucher code (or the USSD string *103*<code>#, which also works from abroad). Wrong codes are rate-limited per caller and account.',
  })
  async redeemVoucher(
    @Arg('accountId', () => ID, { description: 'The account to load.' }) accountId: string,
    @Arg('code', { description: 'The 16-digit code or *103*<code>#.' }) code: string,
    @Ctx() { principal, services }: PaymentsContext,
  ): Promise<TopUpType> {
    return toTopUp(await services.vouchers.redeem(principal, accountId, code), services.checkoutUrl);
  }

  @Allow('admin')
  @Mutation(() => VoucherBatchType, { description: 'Creates voucher codes for a brand and value; the codes are shown only in this answer.' })
  async createVoucherBatch(
    @Arg('brand', () => ID, { description: 'Brand the codes are valid for.' }) brand: string,
    @Arg('valueCents', () => GraphQLSafeInt, { description: 'Value of each code in cents.' }) valueCents: number,
    @Arg('size', () => Int, { description: 'How many codes (1-10000).' }) size: number,
    @Ctx() { principal, services }: PaymentsContext,
  ): Promise<VoucherBatchType> {
    const { batch, codes } = await services.vouchers.createBatch(principal, brand, valueCents, size);
    return { id: batch.id, brandCode: batch.brandCode, value: Money.ofCents(batch.valueCents), codes };
  }

  @Allow('operator', 'admin', 'service')
  @Query(() => [WhatsAppMessageType], { description: 'The WhatsApp top-up conversation with a number, oldest first.' })
  async whatsAppConversation(
    @Arg('msisdn', { description: 'The customer\'s number in E.164.' }) msisdn: string,
    @Arg('first', () => Int, { defaultValue: 50, description: 'How many messages (1-200).' }) first: number,
    @Ctx() { services }: PaymentsContext,
  ): Promise<WhatsAppMessageType[]> {
    if (!/^\+[1-9]\d{7,14}$/.test(msisdn)) throw badInput('msisdn must be an E.164 number', 'msisdn');
    if (first < 1 || first > 200) throw badInput('first must be between 1 and 200', 'first');
    return (await services.whatsApp.conversation(msisdn, first)).map(toWhatsAppMessage);
  }
}
