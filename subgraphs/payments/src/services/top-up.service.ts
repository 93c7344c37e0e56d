import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isDuplicateKeyError } from '../../../common/src/data-source';
import { LessThan } from 'typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { accountScope, inScope } from '../../../common/src/authorization';
import type { Clock } from '../../../common/src/clock';
import { DomainError, badInput, notFound } from '../../../common/src/errors';
import { assertPositiveCents } from '../../../common/src/money';
import { enqueueOutboxMessage } from '../../../common/src/outbox/outbox.service';
import { checkTopUpAmount } from '../../../common/src/policy/top-up-amounts';
import { checkTopUpLimits, effectiveTopUpLimits, startOfBerlinDay } from '../../../common/src/policy/top-up-limits';
import type { TopUpLimits } from '../../../common/src/policy/top-up-limits';
import { formatCents } from '../../../common/src/money';
import { VoucherEntity } from '../entities/voucher.entity';
import { WhatsAppMessageEntity } from '../entities/whatsapp-message.entity';
import { NOTIFICATION_TOPIC } from './auto-top-up.service';
import { WHATSAPP_SEND_TOPIC } from './whatsapp.service';
import type { Principal } from '../../../common/src/principal';
import type { TransactionRunner } from '../../../common/src/transaction';
import { TopUpOrderEntity } from '../entities/top-up-order.entity';
import type { OrderPaymentMethod, TopUpChannel } from '../entities/top-up-order.entity';
import type { AccountSnapshot, AccountsPort } from '../ports/accounts.port';
import type { PoliciesPort, TopUpPolicy } from '../ports/policies.port';

export const MAX_PAGE_SIZE = 100;
export const CREDIT_TOPIC = 'ledger.credit';
export const REFUND_TOPIC = 'provider.refund';

/** Orders whose money was taken or is about to be: they count against the daily top-up limit. */
const COUNTED_TODAY = ['PENDING', 'PAID', 'CREDITED'] as const;

const IDEMPOTENCY_KEY = /^[\w:.\-]{8,128}$/;

export interface CreditMessage {
  orderId: string;
  accountId: string;
  amountCents: number;
  channel: TopUpChannel;
}

export interface NewOrder {
  account: AccountSnapshot;
  amountCents: number;
  channel: TopUpChannel;
  idempotencyKey: string;
  /** Orders that are already paid when created (vouchers) skip PENDING. */
  paidWith?: OrderPaymentMethod;
  autoTopUpRuleId?: string;
}

/** Customer-facing texts are German (section 12 of the domain rules). */
const texts = {
  refunding: (cents: number) =>
    `Ihre Zahlung über ${formatCents(cents)} konnte nicht als Guthaben gebucht werden. Wir erstatten sie vollständig auf das Zahlungsmittel, mit dem Sie bezahlt haben.`,
  voucherReleased: (cents: number) =>
    `Ihr Aufladecode über ${formatCents(cents)} konnte nicht gebucht werden. Der Code bleibt gültig und kann erneut eingelöst werden.`,
};

/** A contract that has ended takes no top-up: its credit is paid out instead (section 7). */
export function assertAcceptsTopUps(account: AccountSnapshot): void {
  if (account.status === 'TERMINATED') {
    throw new DomainError('SIM_INACTIVE', 'The contract of this SIM has ended; its credit can be paid out instead', { status: account.status });
  }
}

function fingerprint(accountId: string, amountCents: number, channel: TopUpChannel): string {
  return createHash('sha256').update(`${accountId}|${amountCents}|${channel}`).digest('hex');
}


export class TopUpService {
  constructor(
    private readonly orders: Repository<TopUpOrderEntity>,
    private readonly transactions: TransactionRunner,
    private readonly accounts: AccountsPort,
    private readonly policies: PoliciesPort,
    private readonly clock: Clock,
    private readonly orderTtlMinutes: number,
    private readonly platformLimits: TopUpLimits,
  ) {}

  /** The account as the caller may see it; out of scope reads as not found. */
  async visibleAccount(principal: Principal, accountId: string): Promise<AccountSnapshot> {
    const account = await this.accounts.findById(accountId);
    if (!account || !inScope(accountScope(principal), account)) throw notFound('Account', accountId);
    return account;
  }

  /**
   * Checks the brand's rules for this channel and amount, and the limits (section 11) before any
   * money moves: per top-up, the balance it would lead to, and the sum topped up today.
   */
  async assertAmountAllowed(account: AccountSnapshot, channel: TopUpChannel, amountCents: number, excludingOrderId?: string): Promise<void> {
    assertAcceptsTopUps(account);
    assertPositiveCents(amountCents, 'amountCents');
    const policy = await this.policies.topUpPolicy(account.brandCode, this.clock.now());
    const verdict = checkTopUpAmount(policy as Parameters<typeof checkTopUpAmount>[0], channel, amountCents);
    if (!verdict.accepted) {
      const limit = verdict.refusal === 'BELOW_MINIMUM' ? 'MINIMUM_TOP_UP' : verdict.refusal === 'ABOVE_MAXIMUM' ? 'MAXIMUM_TOP_UP' : null;
      throw new DomainError(limit ? 'LIMIT_EXCEEDED' : 'BAD_USER_INPUT', verdict.message, {
        field: 'amountCents',
        refusal: verdict.refusal,
        ...(limit ? { limit } : {}),
        acceptedAmountsCents: verdict.acceptedAmountsCents,
      });
    }
    const refusal = await this.limitRefusal(account.id, account.brandCode, account.balanceCents, amountCents, { includePending: true, excludingOrderId, policy });
    if (refusal) throw new DomainError('LIMIT_EXCEEDED', refusal.message, { field: 'amountCents', limit: refusal.limit, limitCents: refusal.limitCents });
  }

  /** The limits again, for money already taken (the webhook): what it refuses is refunded instead of credited. */
  async limitRefusal(
    accountId: string,
    brandCode: string,
    /** Null where the ledger checks the balance itself (money already taken). */
    balanceCents: number | null,
    amountCents: number,
    options: { includePending: boolean; excludingOrderId?: string; manager?: EntityManager; policy?: TopUpPolicy },
  ): Promise<ReturnType<typeof checkTopUpLimits>> {
    const policy = options.policy ?? (await this.policies.topUpPolicy(brandCode, this.clock.now()));
    const limits = effectiveTopUpLimits(policy.topUp, this.platformLimits);
    const toppedUpTodayCents = await this.toppedUpToday(accountId, options);
    return checkTopUpLimits({ amountCents, balanceCents, toppedUpTodayCents }, limits);
  }

  /** Sum of today's (Berlin) orders of the account that took money or are waiting to. */
  private async toppedUpToday(accountId: string, options: { includePending: boolean; excludingOrderId?: string; manager?: EntityManager }): Promise<number> {
    const statuses: string[] = options.includePending ? [...COUNTED_TODAY] : COUNTED_TODAY.filter((status) => status !== 'PENDING');
    const repository = options.manager?.getRepository(TopUpOrderEntity) ?? this.orders;
    const query = repository
      .createQueryBuilder('o')
      .select('COALESCE(SUM(o.amount_cents), 0)', 'total')
      .where('o.account_id = :accountId', { accountId })
      .andWhere('o.status IN (:...statuses)', { statuses })
      .andWhere('o.created_at >= :since', { since: startOfBerlinDay(this.clock.now()) });
    if (options.excludingOrderId) query.andWhere('o.id <> :id', { id: options.excludingOrderId });
    const row = await query.getRawOne<{ total: unknown }>();
    const total = Number(row?.total ?? 0);
    if (!Number.isSafeInteger(total)) throw new Error(`daily top-up sum ${String(row?.total)} is not a safe integer`);
    return total;
  }

  findAccountByMsisdn(msisdn: string): Promise<AccountSnapshot | null> {
    return this.accounts.findByMsisdn(msisdn);
  }

  /** The amounts a channel accepts exactly, for messages that list them (empty: any amount in bounds). */
  async acceptedAmounts(account: AccountSnapshot, channel: TopUpChannel): Promise<number[]> {
    const policy = await this.policies.topUpPolicy(account.brandCode, this.clock.now());
    const listed = policy.topUp.channels.find((candidate) => candidate.kind === channel)?.exactAmountsCents;
    return listed ?? (channel === 'WHATSAPP' ? [1500, 2500, 5000] : []);
  }

  /** For channels that identify the account themselves (WhatsApp sender number). */
  async createForAccount(account: AccountSnapshot, amountCents: number, channel: TopUpChannel, idempotencyKey: string): Promise<TopUpOrderEntity> {
    const previous = await this.orders.findOneBy({ accountId: account.id, idempotencyKey });
    if (previous) return this.sameRequestOrConflict(previous, amountCents, channel);
    await this.assertAmountAllowed(account, channel, amountCents);
    return this.insertOrder({ account, amountCents, channel, idempotencyKey });
  }

  /** A plain top-up order (app/web, bank transfer, WhatsApp) that the customer then pays. */
  async create(
    principal: Principal,
    input: { accountId: string; amountCents: number; channel: TopUpChannel; idempotencyKey: string },
  ): Promise<TopUpOrderEntity> {
    if (!IDEMPOTENCY_KEY.test(input.idempotencyKey)) {
      throw badInput('idempotencyKey must be 8-128 characters of letters, digits and :._-', 'idempotencyKey');
    }
    if (input.channel === 'VOUCHER' || input.channel === 'AUTOMATIC') {
      throw badInput(`${input.channel} top-ups are made with their own operations`, 'channel');
    }
    const account = await this.visibleAccount(principal, input.accountId);
    return this.createForAccount(account, input.amountCents, input.channel, input.idempotencyKey);
  }

  private sameRequestOrConflict(order: TopUpOrderEntity, amountCents: number, channel: TopUpChannel): TopUpOrderEntity {
    if (order.requestFingerprint !== fingerprint(order.accountId, amountCents, channel)) {
      throw new DomainError('CONFLICT', 'This idempotency key was already used for a different top-up', { orderId: order.id });
    }
    return order;
  }

  async insertOrder(input: NewOrder, manager?: EntityManager): Promise<TopUpOrderEntity> {
    assertAcceptsTopUps(input.account);
    const now = this.clock.now();
    const order = this.orders.create({
      id: randomUUID(),
      accountId: input.account.id,
      brandCode: input.account.brandCode,
      amountCents: input.amountCents,
      channel: input.channel,
      status: input.paidWith ? 'PAID' : 'PENDING',
      idempotencyKey: input.idempotencyKey,
      requestFingerprint: fingerprint(input.account.id, input.amountCents, input.channel),
      paymentToken: input.paidWith ? null : randomBytes(24).toString('base64url'),
      paymentMethod: input.paidWith ?? null,
      failureReason: null,
      autoTopUpRuleId: input.autoTopUpRuleId ?? null,
      providerSessionId: null,
      providerCheckoutUrl: null,
      providerPaymentId: null,
      paymentFingerprint: null,
      providerRefundId: null,
      refundReason: null,
      refundRequestedAt: null,
      refundedAt: null,
      expiresAt: input.paidWith ? null : new Date(now.getTime() + this.orderTtlMinutes * 60_000),
      paidAt: input.paidWith ? now : null,
      creditedAt: null,
      failedAt: null,
      expiredAt: null,
      canceledAt: null,
      createdAt: now,
      updatedAt: now,
    });
    const write = async (transaction: EntityManager): Promise<void> => {
      await transaction.getRepository(TopUpOrderEntity).insert(order);
      if (input.paidWith) await this.enqueueCredit(transaction, order);
    };
    try {
      if (manager) await write(manager);
      else await this.transactions.run(write);
    } catch (error) {
      if (!isDuplicateKeyError(error) || manager) throw error;
      // Lost a race with a concurrent request carrying the same key: answer like a retry.
      const winner = await this.orders.findOneByOrFail({ accountId: input.account.id, idempotencyKey: input.idempotencyKey });
      return this.sameRequestOrConflict(winner, input.amountCents, input.channel);
    }
    return order;
  }

  /** The credit is delivered to the accounts ledger by the outbox relay, with the order id as reference. */
  async enqueueCredit(manager: EntityManager, order: TopUpOrderEntity): Promise<void> {
    const message: CreditMessage = { orderId: order.id, accountId: order.accountId, amountCents: order.amountCents, channel: order.channel };
    await enqueueOutboxMessage(manager, this.clock, { topic: CREDIT_TOPIC, dedupeKey: `credit:${order.id}`, payload: message });
  }

  async markCredited(manager: EntityManager, orderId: string): Promise<TopUpOrderEntity | null> {
    const repository = manager.getRepository(TopUpOrderEntity);
    const order = await repository.findOneBy({ id: orderId });
    if (!order || order.status !== 'PAID') return order;
    const now = this.clock.now();
    await repository.update({ id: orderId, status: 'PAID' }, { status: 'CREDITED', creditedAt: now, updatedAt: now });
    return { ...order, status: 'CREDITED', creditedAt: now, updatedAt: now };
  }

  /**
   * A paid order the ledger will not take (contract ended, limit reached): a voucher becomes
   * redeemable again; money taken by the provider goes back in full, once, and the customer is told.
   */
  async markCreditRefused(manager: EntityManager, orderId: string, reason: string): Promise<void> {
    const repository = manager.getRepository(TopUpOrderEntity);
    const order = await repository.findOneBy({ id: orderId });
    if (!order || order.status !== 'PAID') return;
    const now = this.clock.now();
    if (order.channel === 'VOUCHER') {
      await repository.update({ id: orderId, status: 'PAID' }, { status: 'FAILED', failedAt: now, failureReason: `credit refused, voucher released (${reason})`.slice(0, 255), updatedAt: now });
      const vouchers = manager.getRepository(VoucherEntity);
      const voucher = await vouchers.findOneBy({ orderId });
      if (voucher) await vouchers.update({ id: voucher.id, orderId }, { redeemedAt: null, redeemedAccountId: null, orderId: null, releases: voucher.releases + 1 });
      await this.tellCustomer(manager, order, 'VOUCHER_RELEASED', texts.voucherReleased(order.amountCents));
      return;
    }
    await this.requestRefund(manager, order, `credit refused (${reason})`);
  }

  /** Moves a paid or credited order to REFUND_PENDING; the outbox relay asks the provider for the refund. */
  async requestRefund(manager: EntityManager, order: TopUpOrderEntity, reason: string): Promise<void> {
    const now = this.clock.now();
    const moved = await manager
      .getRepository(TopUpOrderEntity)
      .update({ id: order.id, status: order.status }, { status: 'REFUND_PENDING', refundReason: reason.slice(0, 255), refundRequestedAt: now, updatedAt: now });
    if (moved.affected !== 1) return;
    await enqueueOutboxMessage(manager, this.clock, { topic: REFUND_TOPIC, dedupeKey: `refund:${order.id}`, payload: { orderId: order.id } });
    await this.tellCustomer(manager, order, 'TOP_UP_REFUNDED', texts.refunding(order.amountCents));
  }

  /** The provider confirmed the refund (answer to our call, or its webhook, whichever comes first). */
  async markRefunded(manager: EntityManager, orderId: string, refundId: string): Promise<boolean> {
    const now = this.clock.now();
    const result = await manager
      .getRepository(TopUpOrderEntity)
      .update({ id: orderId, status: 'REFUND_PENDING' }, { status: 'REFUNDED', providerRefundId: refundId.slice(0, 255), refundedAt: now, updatedAt: now });
    return result.affected === 1;
  }

  /** Tells the customer through the channel the order came from: WhatsApp, else the account's notices. */
  async tellCustomer(manager: EntityManager, order: TopUpOrderEntity, kind: string, text: string): Promise<void> {
    const reference = `${kind.toLowerCase()}:${order.id}`;
    if (order.channel === 'WHATSAPP') {
      const linkMessage = await manager.getRepository(WhatsAppMessageEntity).findOneBy({ orderId: order.id, direction: 'OUTBOUND' });
      if (linkMessage) {
        await enqueueOutboxMessage(manager, this.clock, { topic: WHATSAPP_SEND_TOPIC, dedupeKey: reference, payload: { to: linkMessage.msisdn, text, orderId: order.id } });
        return;
      }
    }
    await enqueueOutboxMessage(manager, this.clock, {
      topic: NOTIFICATION_TOPIC,
      dedupeKey: reference,
      payload: { accountId: order.accountId, kind, message: text, reference },
    });
  }

  /**
   * An operator refunds a credited top-up: the ledger is debited by reference first (refused with
   * INSUFFICIENT_CREDIT when the credit is already spent, and then nothing changes), then the provider
   * refunds the payment once. A retry after a failure replays the debit and goes on.
   */
  async refundCredited(principal: Principal, orderId: string, reason: string): Promise<TopUpOrderEntity> {
    const order = await this.getVisible(principal, orderId);
    if (order.status === 'REFUND_PENDING' || order.status === 'REFUNDED') return order;
    if (order.status !== 'CREDITED') throw new DomainError('CONFLICT', `A ${order.status} top-up cannot be refunded`, { status: order.status });
    if (!order.providerPaymentId) throw new DomainError('CONFLICT', 'This top-up was not paid through the payment provider (a voucher); nothing can be refunded', { channel: order.channel });
    const why = reason.trim();
    if (!why || why.length > 200) throw badInput('reason must be 1-200 characters', 'reason');
    await this.accounts.debitForRefund({ accountId: order.accountId, amountCents: order.amountCents, reference: `top-up-refund:${order.id}`, reason: 'Erstattung einer Aufladung' });
    await this.transactions.run((manager) => this.requestRefund(manager, order, `operator: ${why}`));
    return (await this.byId(order.id))!;
  }

  async getVisible(principal: Principal, orderId: string): Promise<TopUpOrderEntity> {
    const order = await this.orders.findOneBy({ id: orderId });
    if (!order || !inScope(accountScope(principal), { id: order.accountId, brandCode: order.brandCode })) {
      throw notFound('Top-up', orderId);
    }
    return order;
  }

  byId(orderId: string): Promise<TopUpOrderEntity | null> {
    return this.orders.findOneBy({ id: orderId });
  }

  async byPaymentToken(token: string): Promise<TopUpOrderEntity | null> {
    if (!/^[\w-]{20,64}$/.test(token)) return null;
    return this.orders.findOneBy({ paymentToken: token });
  }

  /** Newest first, keyset-paginated by (createdAt, id). Out-of-scope accounts have no visible top-ups. */
  async pageForAccount(
    principal: Principal,
    account: { id: string; brandCode: string },
    first: number,
    after: string | null,
  ): Promise<{ orders: TopUpOrderEntity[]; hasNextPage: boolean }> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
    }
    // The account's brandCode comes from an entity representation, which any principal may make up
    // (_entities straight to payments): scope by the brand stored on the orders, never by it.
    const scope = accountScope(principal);
    if (scope.kind === 'account' && scope.accountId !== account.id) return { orders: [], hasNextPage: false };
    let query = this.orders
      .createQueryBuilder('o')
      .where('o.account_id = :accountId', { accountId: account.id })
      .orderBy('o.created_at', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .take(first + 1);
    if (scope.kind === 'brand') query = query.andWhere('o.brand_code = :brand', { brand: scope.brand });
    if (after) {
      const cursor = await this.orders.findOneBy({ id: after, accountId: account.id, ...(scope.kind === 'brand' ? { brandCode: scope.brand } : {}) });
      if (!cursor) throw badInput('after is not a cursor of this list', 'after');
      query = query.andWhere('(o.created_at < :at OR (o.created_at = :at AND o.id < :id))', { at: cursor.createdAt, id: cursor.id });
    }
    const rows = await query.getMany();
    return { orders: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /** Dashboard numbers: credited volume per brand and channel in [from, to). */
  async volume(
    principal: Principal,
    from: Date,
    to: Date,
  ): Promise<{ brandCode: string; channel: TopUpChannel; count: number; amountCents: number }[]> {
    if (!(from < to)) throw badInput('from must be before to', 'from');
    const scope = accountScope(principal);
    let query = this.orders
      .createQueryBuilder('o')
      .select('o.brand_code', 'brandCode')
      .addSelect('o.channel', 'channel')
      .addSelect('COUNT(*)', 'count')
      .addSelect('SUM(o.amount_cents)', 'amountCents')
      .where('o.status = :status', { status: 'CREDITED' })
      .andWhere('o.credited_at >= :from AND o.credited_at < :to', { from, to })
      .groupBy('o.brand_code')
      .addGroupBy('o.channel')
      .orderBy('o.brand_code')
      .addOrderBy('o.channel');
    if (scope.kind === 'brand') query = query.andWhere('o.brand_code = :brand', { brand: scope.brand });
    if (scope.kind === 'account') query = query.andWhere('o.account_id = :account', { account: scope.accountId });
    const rows = await query.getRawMany<{ brandCode: string; channel: TopUpChannel; count: string | number; amountCents: string | number }>();
    return rows.map((row) => ({ brandCode: row.brandCode, channel: row.channel, count: Number(row.count), amountCents: Number(row.amountCents) }));
  }

  /** Pending orders past their time become EXPIRED (a late payment still credits); returns their provider checkouts to close. */
  async expireOverdue(): Promise<string[]> {
    const now = this.clock.now();
    const overdue = await this.orders.find({ where: { status: 'PENDING', expiresAt: LessThan(now) }, take: 500 });
    const checkouts: string[] = [];
    for (const order of overdue) {
      const result = await this.orders.update({ id: order.id, status: 'PENDING' }, { status: 'EXPIRED', expiredAt: now, updatedAt: now });
      if (result.affected === 1 && order.providerSessionId) checkouts.push(order.providerSessionId);
    }
    return checkouts;
  }

  async cancel(principal: Principal, orderId: string): Promise<TopUpOrderEntity> {
    const order = await this.getVisible(principal, orderId);
    if (order.status !== 'PENDING') {
      if (order.status === 'CANCELED') return order;
      throw new DomainError('CONFLICT', `A ${order.status} top-up cannot be canceled`, { status: order.status });
    }
    const now = this.clock.now();
    const result = await this.orders.update({ id: orderId, status: 'PENDING' }, { status: 'CANCELED', canceledAt: now, updatedAt: now });
    if (result.affected !== 1) return this.getVisible(principal, orderId);
    return { ...order, status: 'CANCELED', canceledAt: now, updatedAt: now };
  }
}
