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
import type { Principal } from '../../../common/src/principal';
import type { TransactionRunner } from '../../../common/src/transaction';
import { TopUpOrderEntity } from '../entities/top-up-order.entity';
import type { OrderPaymentMethod, TopUpChannel } from '../entities/top-up-order.entity';
import type { AccountSnapshot, AccountsPort } from '../ports/accounts.port';
import type { PoliciesPort } from '../ports/policies.port';

export const MAX_PAGE_SIZE = 100;
export const CREDIT_TOPIC = 'ledger.credit';

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
  ) {}

  /** The account as the caller may see it; out of scope reads as not found. */
  async visibleAccount(principal: Principal, accountId: string): Promise<AccountSnapshot> {
    const account = await this.accounts.findById(accountId);
    if (!account || !inScope(accountScope(principal), account)) throw notFound('Account', accountId);
    return account;
  }

  /** Checks the brand's rules for this channel and amount; a refusal names the accepted amounts. */
  async assertAmountAllowed(account: AccountSnapshot, channel: TopUpChannel, amountCents: number): Promise<void> {
    assertPositiveCents(amountCents);
    const policy = await this.policies.topUpPolicy(account.brandCode, this.clock.now());
    const verdict = checkTopUpAmount(policy as Parameters<typeof checkTopUpAmount>[0], channel, amountCents);
    if (!verdict.accepted) {
      throw new DomainError('BAD_USER_INPUT', verdict.message, {
        field: 'amountCents',
        refusal: verdict.refusal,
        acceptedAmountsCents: verdict.acceptedAmountsCents,
      });
    }
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
    if (input.account.status === 'TERMINATED') {
      throw new DomainError('SIM_INACTIVE', 'The contract of this SIM has ended; its credit can be paid out instead');
    }
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

  /** A paid order the ledger will not take: FAILED with the reason; the provider refunds the payment. */
  async markCreditRefused(manager: EntityManager, orderId: string, reason: string): Promise<void> {
    const now = this.clock.now();
    await manager
      .getRepository(TopUpOrderEntity)
      .update({ id: orderId, status: 'PAID' }, { status: 'FAILED', failedAt: now, failureReason: `credit refused, payment to be refunded (${reason})`.slice(0, 255), updatedAt: now });
  }

  async getVisible(principal: Principal, orderId: string): Promise<TopUpOrderEntity> {
    const order = await this.orders.findOneBy({ id: orderId });
    if (!order || !inScope(accountScope(principal), { id: order.accountId, brandCode: order.brandCode })) {
      throw notFound('Top-up', orderId);
    }
    return order;
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

  /** Pending orders past their time become EXPIRED; a late payment still credits (see the webhook). */
  async expireOverdue(): Promise<number> {
    const now = this.clock.now();
    const result = await this.orders.update(
      { status: 'PENDING', expiresAt: LessThan(now) },
      { status: 'EXPIRED', expiredAt: now, updatedAt: now },
    );
    return result.affected ?? 0;
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
