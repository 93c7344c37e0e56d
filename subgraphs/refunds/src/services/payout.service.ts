import { randomUUID } from 'node:crypto';
import { isDuplicateKeyError } from '../../../common/src/data-source';
import { In, IsNull, MoreThan, Not } from 'typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { accountScope, inScope } from '../../../common/src/authorization';
import { isBrandCode } from '../../../common/src/brands';
import type { Clock } from '../../../common/src/clock';
import { DomainError, badInput, notFound } from '../../../common/src/errors';
import type { Logger } from '../../../common/src/logger';
import { formatCents } from '../../../common/src/money';
import { OutboxMessageEntity } from '../../../common/src/outbox/outbox-message.entity';
import { enqueueOutboxMessage } from '../../../common/src/outbox/outbox.service';
import type { OutboxMessage } from '../../../common/src/outbox/outbox.service';
import type { Principal } from '../../../common/src/principal';
import { SubgraphUnavailableError } from '../../../common/src/subgraph-client';
import type { TransactionRunner } from '../../../common/src/transaction';
import type { PayoutEntitlementEntity } from '../entities/payout-entitlement.entity';
import { PayoutEntity } from '../entities/payout.entity';
import type { PayoutReason, PayoutSource, PayoutStatus, TerminationInitiator } from '../entities/payout.entity';
import type { AccountSnapshot, AccountsPort } from '../ports/accounts.port';
import type { PoliciesPort } from '../ports/policies.port';
import type { IbanCipher } from './iban-cipher';
import { normalizeIban } from './iban.validator';
import { judgeEligibility } from './payout-eligibility';
import type { Eligibility } from './payout-eligibility';
import { berlinQuarter } from './quarter';

export const PAYOUT_DEBIT_TOPIC = 'payout.debit';
export const PAYOUT_RETURN_TOPIC = 'payout.return';

/** Ledger reference of the money a failed payout brings back. */
export const returnReference = (payoutId: string): string => `payout-return:${payoutId}`;

interface MovementMessage {
  payoutId: string;
  accountId: string;
  amountCents: number;
}

export interface PayoutRequestInput {
  accountId: string;
  holderName: string;
  iban: string;
  reason: PayoutReason;
  /** TERMINATION on a running contract: this request is also the customer's notice of termination. */
  terminateContract?: boolean | null;
}

export interface PayoutPage {
  payouts: PayoutEntity[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

export interface PayoutBrandTotalRow {
  brandCode: string;
  status: PayoutStatus;
  count: number;
  amountCents: number;
}

const OPEN_STATUSES: PayoutStatus[] = ['REQUESTED', 'APPROVED'];


function encodeCursor(payout: PayoutEntity): string {
  return Buffer.from(`${payout.createdAt.toISOString()}|${payout.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) throw badInput('after is not a cursor of this list', 'after');
  return { createdAt, id };
}

function refusal(eligibility: Eligibility, payoutId?: string): DomainError {
  const details = { reason: eligibility.reason };
  switch (eligibility.reason) {
    case 'NEGATIVE_BALANCE':
      return new DomainError(
        'INSUFFICIENT_CREDIT',
        `The balance is negative: ${formatCents(eligibility.owedCents)} are owed. A negative balance is settled, never paid out.`,
        { ...details, owedCents: eligibility.owedCents },
      );
    case 'NO_CREDIT':
      return new DomainError('INSUFFICIENT_CREDIT', 'There is no credit to pay out', details);
    case 'PAYOUT_IN_PROGRESS':
      return new DomainError('CONFLICT', 'A payout for this account is already in progress', { ...details, payoutId });
    case 'QUARTERLY_ALREADY_USED':
      return new DomainError('CONFLICT', 'The quarterly payout of this calendar quarter was already requested', details);
    case 'QUARTERLY_NOT_OFFERED':
      return new DomainError('BAD_USER_INPUT', 'This brand pays out credit only at the end of the contract, not quarterly', {
        ...details,
        field: 'reason',
      });
    case 'CONTRACT_ENDED_USE_TERMINATION':
      return new DomainError('BAD_USER_INPUT', 'The contract has ended: request the payout with reason TERMINATION', { ...details, field: 'reason' });
    default:
      return new DomainError('CONFLICT', 'A payout cannot be requested now', details);
  }
}

/**
 * Payouts of remaining credit (domain rules, section 7). The debit is booked at approval with the
 * amount fixed then (the credit available at that moment), through the outbox so a crash between
 * approving and the ledger call cannot lose it; the ledger reference is the payout id, so retries
 * never move money twice.
 */
const REQUEST_WINDOW_MS = 24 * 60 * 60 * 1000;
const MAX_REQUESTS_PER_WINDOW = 5;

export class PayoutService {
  constructor(
    private readonly payouts: Repository<PayoutEntity>,
    private readonly entitlements: Repository<PayoutEntitlementEntity>,
    private readonly transactions: TransactionRunner,
    private readonly accounts: AccountsPort,
    private readonly policies: PoliciesPort,
    private readonly cipher: IbanCipher,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Newest first. An account outside the caller's scope has no visible payouts. The brand comes from
   * the entity representation, which a direct `_entities` caller may fake: matching it against the
   * brand stored with each payout keeps another brand's payouts out of reach.
   */
  async forAccount(principal: Principal, account: { id: string; brandCode: string }): Promise<PayoutEntity[]> {
    if (!inScope(accountScope(principal), account)) return [];
    return this.payouts.find({ where: { accountId: account.id, brandCode: account.brandCode }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  async get(principal: Principal, id: string): Promise<PayoutEntity> {
    const payout = await this.payouts.findOneBy({ id });
    if (!payout || !inScope(accountScope(principal), { id: payout.accountId, brandCode: payout.brandCode })) throw notFound('Payout', id);
    return payout;
  }

  async visibleAccount(principal: Principal, accountId: string): Promise<AccountSnapshot> {
    const account = await this.accounts.findById(accountId);
    if (!account || !inScope(accountScope(principal), account)) throw notFound('Account', accountId);
    return account;
  }

  /** Eligibility on the authoritative account from accounts (jobs). */
  async eligibility(principal: Principal, account: { id: string; brandCode: string }, asked: PayoutReason | null): Promise<Eligibility> {
    const snapshot = await this.visibleAccount(principal, account.id);
    return (await this.judge(snapshot, asked)).eligibility;
  }

  /**
   * Eligibility for display, on the account facts the gateway fetched from accounts in the same query
   * plan (@requires) instead of a call of our own. A direct `_entities` caller can make these facts
   * up, so nothing that moves money uses this: request and approve read accounts again. Rows are
   * matched by account and brand, so a made-up brand finds none of another brand's payouts.
   */
  async displayEligibility(principal: Principal, account: AccountSnapshot, asked: PayoutReason | null): Promise<Eligibility> {
    if (!inScope(accountScope(principal), account)) throw notFound('Account', account.id);
    return (await this.judge(account, asked)).eligibility;
  }

  private async judge(account: AccountSnapshot, asked: PayoutReason | null): Promise<{ eligibility: Eligibility; open: PayoutEntity | null }> {
    const now = this.clock.now();
    const [policy, open, quarterUsed] = await Promise.all([
      this.policies.payoutPolicy(account.brandCode, now),
      this.payouts.findOneBy({ openKey: account.id, brandCode: account.brandCode }),
      this.payouts.existsBy({ quarterKey: `${account.id}:${berlinQuarter(now)}`, brandCode: account.brandCode }),
    ]);
    const eligibility = judgeEligibility({
      account,
      quarterlyOffered: policy.quarterlyWithoutTermination,
      payoutInProgress: open !== null,
      quarterlyUsedThisQuarter: quarterUsed,
      asked,
    });
    return { eligibility, open };
  }

  /** The waiver declaration (Verzichtserklärung). Invalid input or a refusal changes nothing. */
  async request(principal: Principal, input: PayoutRequestInput, source: PayoutSource = 'REQUEST'): Promise<PayoutEntity> {
    const holderName = input.holderName.trim().replace(/\s+/g, ' ');
    if (holderName.length < 2 || holderName.length > 70) throw badInput('holderName must be 2 to 70 characters', 'holderName');
    const iban = normalizeIban(input.iban);
    let account = await this.visibleAccount(principal, input.accountId);
    await this.assertRequestRate(account.id);
    const { eligibility, open } = await this.judge(account, input.reason);
    if (!eligibility.eligible) throw refusal(eligibility, open?.id);

    let initiatedBy: TerminationInitiator | null = null;
    if (input.reason === 'TERMINATION') {
      if (account.status !== 'TERMINATED') {
        if (!input.terminateContract) {
          throw new DomainError('BAD_USER_INPUT', 'The contract is still running: set terminateContract to end it with this payout request', {
            field: 'terminateContract',
            reason: 'TERMINATION_REQUIRED',
          });
        }
        // Accounts settles the open charging sessions first, so the amount below is final.
        account = await this.accounts.terminate(account.id, 'CUSTOMER');
        initiatedBy = 'CUSTOMER';
        const settled = (await this.judge(account, 'TERMINATION')).eligibility;
        if (!settled.eligible) throw refusal(settled);
        eligibility.amountCents = settled.amountCents;
      } else {
        initiatedBy = (await this.entitlements.findOneBy({ accountId: account.id }))?.initiatedBy ?? null;
      }
    }

    const now = this.clock.now();
    const quarter = input.reason === 'QUARTERLY' ? berlinQuarter(now) : null;
    const payout = this.payouts.create({
      id: randomUUID(),
      accountId: account.id,
      brandCode: account.brandCode,
      amountCents: eligibility.amountCents,
      reason: input.reason,
      status: 'REQUESTED',
      holderName,
      ibanEncrypted: this.cipher.encrypt(iban),
      initiatedBy,
      quarterLabel: quarter,
      openKey: account.id,
      quarterKey: quarter ? `${account.id}:${quarter}` : null,
      source,
      requestedBy: `${principal.role}:${principal.subject}`.slice(0, 200),
      statusReason: null,
      approvedAt: null,
      debitedAt: null,
      batchId: null,
      paidAt: null,
      rejectedAt: null,
      failedAt: null,
      returnedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      // The unique keys decide under concurrency: one payout in flight per account, one quarterly per quarter.
      await this.transactions.run((manager) => manager.getRepository(PayoutEntity).insert(payout));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const again = await this.judge(account, input.reason);
      throw again.eligibility.eligible
        ? new DomainError('CONFLICT', 'A payout for this account is already in progress', { reason: 'PAYOUT_IN_PROGRESS' })
        : refusal(again.eligibility, again.open?.id);
    }
    this.logger.info({ payoutId: payout.id, accountId: payout.accountId, reason: payout.reason, source }, 'payout requested');
    return payout;
  }

  /** Fixes the amount (the credit available now) and books the PAYOUT debit; idempotent. */
  async approve(principal: Principal, id: string): Promise<PayoutEntity> {
    const current = await this.get(principal, id);
    if (current.status !== 'REQUESTED') {
      if (current.status === 'APPROVED') return this.completeDebit(current);
      throw new DomainError('CONFLICT', `A ${current.status} payout cannot be approved`, { status: current.status });
    }
    const account = await this.accounts.findById(current.accountId);
    if (!account) throw notFound('Account', current.accountId);
    // Only the money matters now (route and quarter were judged at request): never pay out a negative balance.
    const verdict = judgeEligibility({ account, quarterlyOffered: true, payoutInProgress: false, quarterlyUsedThisQuarter: false, asked: null });
    if (verdict.reason === 'NEGATIVE_BALANCE' || verdict.reason === 'NO_CREDIT') throw refusal(verdict);
    const approved = await this.transactions.run(async (manager) => {
      const payout = await this.lock(manager, id);
      if (payout.status !== 'REQUESTED') throw new DomainError('CONFLICT', `A ${payout.status} payout cannot be approved`, { status: payout.status });
      const now = this.clock.now();
      Object.assign(payout, { status: 'APPROVED', amountCents: verdict.amountCents, approvedAt: now, updatedAt: now });
      await manager.getRepository(PayoutEntity).save(payout);
      await enqueueOutboxMessage(manager, this.clock, {
        topic: PAYOUT_DEBIT_TOPIC,
        dedupeKey: `payout-debit:${payout.id}`,
        payload: { payoutId: payout.id, accountId: payout.accountId, amountCents: payout.amountCents } satisfies MovementMessage,
      });
      return payout;
    });
    this.logger.info({ payoutId: id, amountCents: approved.amountCents, by: principal.subject }, 'payout approved');
    return this.completeDebit(approved);
  }

  async reject(principal: Principal, id: string, reason: string): Promise<PayoutEntity> {
    const text = reason.trim();
    if (text.length < 3 || text.length > 500) throw badInput('reason must be 3 to 500 characters', 'reason');
    await this.get(principal, id);
    return this.transactions.run(async (manager) => {
      const payout = await this.lock(manager, id);
      if (payout.status === 'REJECTED') return payout;
      if (payout.status !== 'REQUESTED') {
        throw new DomainError('CONFLICT', `A ${payout.status} payout cannot be rejected (its money has moved)`, { status: payout.status });
      }
      return this.close(manager, payout, 'REJECTED', text);
    });
  }

  async markPaid(principal: Principal, id: string): Promise<PayoutEntity> {
    await this.get(principal, id);
    return this.transactions.run(async (manager) => {
      const payout = await this.lock(manager, id);
      if (payout.status === 'PAID') return payout;
      if (payout.status !== 'APPROVED') throw new DomainError('CONFLICT', `A ${payout.status} payout cannot be marked paid`, { status: payout.status });
      if (!payout.debitedAt) throw new DomainError('CONFLICT', 'The payout debit is not booked in the ledger yet', { status: payout.status });
      if (!payout.batchId) throw new DomainError('CONFLICT', 'The payout was not exported to the bank yet (exportPayoutBatch)', { status: payout.status });
      return this.close(manager, payout, 'PAID', null);
    });
  }

  /** The bank could not execute (or returned) the transfer: the money goes back to the balance. */
  async markFailed(principal: Principal, id: string, reason: string): Promise<PayoutEntity> {
    const text = reason.trim();
    if (text.length < 3 || text.length > 500) throw badInput('reason must be 3 to 500 characters', 'reason');
    await this.get(principal, id);
    const failed = await this.transactions.run(async (manager) => {
      const payout = await this.lock(manager, id);
      if (payout.status === 'FAILED') return payout;
      const moved = (payout.status === 'APPROVED' && payout.debitedAt !== null) || payout.status === 'PAID';
      if (!moved) throw new DomainError('CONFLICT', `A ${payout.status} payout without a booked debit cannot fail`, { status: payout.status });
      await enqueueOutboxMessage(manager, this.clock, {
        topic: PAYOUT_RETURN_TOPIC,
        dedupeKey: returnReference(payout.id),
        payload: { payoutId: payout.id, accountId: payout.accountId, amountCents: payout.amountCents } satisfies MovementMessage,
      });
      return this.close(manager, payout, 'FAILED', text);
    });
    return this.completeReturn(failed);
  }

  /**
   * Payout requests per account and day are limited (each one sets a bank transfer in motion); the
   * answer says when the next request is possible.
   */
  private async assertRequestRate(accountId: string): Promise<void> {
    const since = new Date(this.clock.now().getTime() - REQUEST_WINDOW_MS);
    const recent = await this.payouts.find({
      where: { accountId, createdAt: MoreThan(since) },
      order: { createdAt: 'ASC' },
      take: MAX_REQUESTS_PER_WINDOW,
    });
    if (recent.length < MAX_REQUESTS_PER_WINDOW) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((recent[0]!.createdAt.getTime() + REQUEST_WINDOW_MS - this.clock.now().getTime()) / 1000));
    throw new DomainError('RATE_LIMITED', 'Too many payout requests for this account; please try again later', { retryAfterSeconds });
  }

  /** Accounts terminated a contract (lifecycle job or terminateAccount): remember it; idempotent. */
  async openEntitlement(input: { accountId: string; brandCode: string; terminatedAt: Date; initiatedBy: TerminationInitiator }): Promise<boolean> {
    if (!isBrandCode(input.brandCode)) throw badInput(`Unknown brand ${input.brandCode}`, 'brandCode');
    if (!/^[\w-]{1,36}$/.test(input.accountId)) throw badInput('accountId is not an account id', 'accountId');
    if (await this.entitlements.existsBy({ accountId: input.accountId })) return true;
    try {
      await this.entitlements.insert({ ...input, createdAt: this.clock.now() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    return true;
  }

  /** Matched by account and brand, like `forAccount`: the brand may come from a representation. */
  entitlementFor(account: { id: string; brandCode: string }): Promise<PayoutEntitlementEntity | null> {
    return this.entitlements.findOneBy({ accountId: account.id, brandCode: account.brandCode });
  }

  /** Oldest first: the approval work queue (REQUESTED and APPROVED). Partners see their brand only. */
  async pending(principal: Principal, first: number, after: string | null): Promise<PayoutPage> {
    if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first must be between 1 and 100', 'first');
    const scope = accountScope(principal);
    const base = () => {
      const query = this.payouts.createQueryBuilder('payout').where('payout.status IN (:...statuses)', { statuses: OPEN_STATUSES });
      if (scope.kind === 'brand') query.andWhere('payout.brand_code = :brand', { brand: scope.brand });
      if (scope.kind === 'account') query.andWhere('payout.account_id = :accountId', { accountId: scope.accountId });
      return query;
    };
    const totalCount = await base().getCount();
    const page = base();
    if (after) {
      const cursor = decodeCursor(after);
      page.andWhere('(payout.created_at > :at OR (payout.created_at = :at AND payout.id > :id))', { at: cursor.createdAt, id: cursor.id });
    }
    const rows = await page.orderBy('payout.created_at', 'ASC').addOrderBy('payout.id', 'ASC').take(first + 1).getMany();
    const payouts = rows.slice(0, first);
    return { payouts, hasNextPage: rows.length > first, endCursor: payouts.length > 0 ? encodeCursor(payouts.at(-1)!) : null, totalCount };
  }

  /** Count and amount per brand and status, for payouts requested in [from, to). */
  async totalsByBrand(principal: Principal, from: Date | null, to: Date | null): Promise<PayoutBrandTotalRow[]> {
    const scope = accountScope(principal);
    const query = this.payouts
      .createQueryBuilder('payout')
      .select('payout.brand_code', 'brandCode')
      .addSelect('payout.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .addSelect('COALESCE(SUM(payout.amount_cents), 0)', 'amountCents')
      .groupBy('payout.brand_code')
      .addGroupBy('payout.status')
      .orderBy('payout.brand_code', 'ASC')
      .addOrderBy('payout.status', 'ASC');
    if (scope.kind === 'brand') query.andWhere('payout.brand_code = :brand', { brand: scope.brand });
    if (scope.kind === 'account') query.andWhere('payout.account_id = :accountId', { accountId: scope.accountId });
    if (from) query.andWhere('payout.created_at >= :from', { from });
    if (to) query.andWhere('payout.created_at < :to', { to });
    const rows = await query.getRawMany<{ brandCode: string; status: PayoutStatus; count: string | number; amountCents: string | number }>();
    return rows.map((row) => ({ brandCode: row.brandCode, status: row.status, count: Number(row.count), amountCents: Number(row.amountCents) }));
  }

  /** Outbox handler: the PAYOUT debit (reference = payout id). */
  async deliverDebit(message: OutboxMessage): Promise<(manager: EntityManager) => Promise<void>> {
    const debit = message.payload as MovementMessage;
    try {
      await this.accounts.debitPayout({
        accountId: debit.accountId,
        amountCents: debit.amountCents,
        reference: debit.payoutId,
        reason: 'Auszahlung des Restguthabens (gebührenfrei)',
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // A decided refusal (e.g. the credit was used between approval and booking): nothing moved.
      const why = `The ledger refused the debit (${error.code}); nothing was paid out. Request the payout again.`;
      return async (manager) => {
        const payout = await this.lock(manager, debit.payoutId);
        if (payout.status === 'APPROVED' && !payout.debitedAt) await this.close(manager, payout, 'REJECTED', why);
      };
    }
    return async (manager) => {
      const payout = await this.lock(manager, debit.payoutId);
      if (!payout.debitedAt) {
        payout.debitedAt = this.clock.now();
        payout.updatedAt = payout.debitedAt;
        await manager.getRepository(PayoutEntity).save(payout);
      }
    };
  }

  /** Outbox handler: the ADJUSTMENT credit `payout-return:<id>` of a failed payout. */
  async deliverReturn(message: OutboxMessage): Promise<(manager: EntityManager) => Promise<void>> {
    const credit = message.payload as MovementMessage;
    await this.accounts.creditAdjustment({
      accountId: credit.accountId,
      amountCents: credit.amountCents,
      reference: returnReference(credit.payoutId),
      reason: 'Auszahlung fehlgeschlagen: Betrag zurückgebucht',
    });
    return async (manager) => {
      const payout = await this.lock(manager, credit.payoutId);
      if (!payout.returnedAt) {
        payout.returnedAt = this.clock.now();
        await manager.getRepository(PayoutEntity).save(payout);
      }
    };
  }

  private completeDebit(payout: PayoutEntity): Promise<PayoutEntity> {
    if (payout.debitedAt) return Promise.resolve(payout);
    return this.deliverNow(PAYOUT_DEBIT_TOPIC, `payout-debit:${payout.id}`, payout, (message) => this.deliverDebit(message));
  }

  private completeReturn(payout: PayoutEntity): Promise<PayoutEntity> {
    if (payout.returnedAt) return Promise.resolve(payout);
    return this.deliverNow(PAYOUT_RETURN_TOPIC, returnReference(payout.id), payout, (message) => this.deliverReturn(message));
  }

  /**
   * Delivers an outbox message right away so the caller sees the outcome; when the other subgraph is
   * unreachable the relay delivers it later (the message was committed with the state change).
   */
  private async deliverNow(
    topic: string,
    dedupeKey: string,
    payout: PayoutEntity,
    handler: (message: OutboxMessage) => Promise<(manager: EntityManager) => Promise<void>>,
  ): Promise<PayoutEntity> {
    const payload: MovementMessage = { payoutId: payout.id, accountId: payout.accountId, amountCents: payout.amountCents };
    try {
      const followUp = await handler({ id: 0, topic, dedupeKey, payload, attempts: 0 });
      await this.transactions.run(async (manager) => {
        await followUp(manager);
        // Spares the relay a second (idempotent) call unless it is working on the message already.
        await manager
          .getRepository(OutboxMessageEntity)
          .update({ dedupeKey, deliveredAt: IsNull(), leaseOwner: IsNull() }, { deliveredAt: this.clock.now() });
      });
    } catch (error) {
      if (!(error instanceof SubgraphUnavailableError)) throw error;
      this.logger.warn({ payoutId: payout.id, topic, err: error }, 'accounts unreachable; the outbox relay will retry');
    }
    return this.payouts.findOneByOrFail({ id: payout.id });
  }

  private async lock(manager: EntityManager, id: string): Promise<PayoutEntity> {
    const payout = await this.transactions
      .forUpdate(manager.getRepository(PayoutEntity).createQueryBuilder('payout').where('payout.id = :id', { id }))
      .getOne();
    if (!payout) throw notFound('Payout', id);
    return payout;
  }

  /** Terminal or paid states release the keys that keep a second payout out. */
  private async close(manager: EntityManager, payout: PayoutEntity, status: 'REJECTED' | 'PAID' | 'FAILED', reason: string | null): Promise<PayoutEntity> {
    const now = this.clock.now();
    payout.status = status;
    payout.updatedAt = now;
    payout.openKey = null;
    if (status !== 'PAID') {
      // A rejected or failed quarterly payout paid nothing: the customer may ask again this quarter.
      payout.quarterKey = null;
      payout.statusReason = reason;
    }
    if (status === 'REJECTED') payout.rejectedAt = now;
    if (status === 'PAID') payout.paidAt = now;
    if (status === 'FAILED') payout.failedAt = now;
    return manager.getRepository(PayoutEntity).save(payout);
  }

  /** Approved, debited payouts not yet sent to the bank, oldest approval first. */
  exportable(manager: EntityManager, limit: number): Promise<PayoutEntity[]> {
    return this.transactions
      .forUpdate(
        manager
          .getRepository(PayoutEntity)
          .createQueryBuilder('payout')
          .where('payout.status = :status', { status: 'APPROVED' })
          .andWhere('payout.debited_at IS NOT NULL')
          .andWhere('payout.batch_id IS NULL')
          .orderBy('payout.approved_at', 'ASC')
          .addOrderBy('payout.id', 'ASC')
          .limit(limit),
      )
      .getMany();
  }

  inBatch(batchId: string): Promise<PayoutEntity[]> {
    return this.payouts.find({ where: { batchId }, order: { id: 'ASC' } });
  }

  /** For jobs: is there already a (non-refused) quarterly payout for the account this quarter? */
  quarterlyTaken(accountId: string): Promise<boolean> {
    return this.payouts.existsBy({ quarterKey: `${accountId}:${berlinQuarter(this.clock.now())}`, status: Not(In(['REJECTED', 'FAILED'])) });
  }
}
