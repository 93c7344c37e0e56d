import type { EntityManager, Repository } from 'typeorm';
import { createHash } from 'node:crypto';
import type { Clock } from '../../../common/src/clock';
import { EntitySql } from '../../../common/src/entity-sql';
import { DomainError, badInput, notFound } from '../../../common/src/errors';
import { assertCents, assertPositiveCents } from '../../../common/src/money';
import { enqueueOutboxMessage } from '../../../common/src/outbox/outbox.service';
import type { TransactionRunner } from '../../../common/src/transaction';
import { AccountEntity } from '../entities/account.entity';
import { LEDGER_CAUSES, LEDGER_KINDS, LedgerEntryEntity } from '../entities/ledger-entry.entity';
import type { LedgerCause, LedgerKind } from '../entities/ledger-entry.entity';
import { DELAYED_CHARGE_CLASSES } from '../rules/charging-rules.provider';
import type { ChargingRules, DelayedChargeClass } from '../rules/charging-rules.provider';
import { AUTO_TOP_UP_TOPIC } from './outbox-topics';
import type { AutoTopUpTriggerMessage } from './outbox-topics';

export interface PostingInput {
  accountId: string;
  kind: LedgerKind;
  /** Why the money moved; shown by the "where did my credit go" explanation. */
  cause?: LedgerCause | null;
  /** Signed cents: positive credits, negative debits. */
  amountCents: number;
  /** Unique per account; a retry with the same reference returns the first result. */
  reference: string;
  reason: string;
  /**
   * Lets a debit go below the available credit: only for delayed charges the brand allows, and for
   * committing session usage that was already reserved.
   */
  allowNegative?: boolean;
  /**
   * The caller has proved under the account lock that nothing was booked with this reference yet
   * (a charging session that is still OPEN): the replay lookup is skipped. The unique index on
   * (account, reference) still refuses a second entry should that proof ever be wrong.
   */
  referenceUnused?: boolean;
}

export interface PostingResult {
  entry: LedgerEntryEntity;
  account: AccountEntity;
  /** True when this call was a retry and nothing moved. */
  replayed: boolean;
}

/** Runs inside the credit's transaction with the account still locked (e.g. to reactivate paused options). */
export type CreditListener = (manager: EntityManager, account: AccountEntity, entry: LedgerEntryEntity) => Promise<void>;

/**
 * Runs before a top-up's entry is written, with the account locked and not yet credited (validity:
 * extend, reactivate, or refuse a terminated contract by throwing, which leaves nothing behind).
 */
export type TopUpHook = (manager: EntityManager, account: AccountEntity, amountCents: number, at: Date) => Promise<void>;

export const CREDIT_KINDS = ['TOP_UP', 'ADJUSTMENT'] as const satisfies readonly LedgerKind[];
export type CreditKind = (typeof CREDIT_KINDS)[number];
export const DEBIT_KINDS = ['PAYOUT', 'TOP_UP_REFUND', 'ADJUSTMENT'] as const satisfies readonly LedgerKind[];
export type DebitKind = (typeof DEBIT_KINDS)[number];

export interface TransferInput {
  accountId: string;
  /** Positive cents; the operation decides the sign. */
  amountCents: number;
  reference: string;
  reason: string;
}

export interface LedgerPage {
  entries: LedgerEntryEntity[];
  hasNextPage: boolean;
}

export interface CreditUse {
  kind: LedgerKind;
  cause: LedgerCause | null;
  /** Positive: how much this cause took. */
  totalCents: number;
  count: number;
}

export interface CreditExplanationData {
  /** The latest top-up, or null when there never was one (then everything since opening counts). */
  lastTopUp: LedgerEntryEntity | null;
  /** Sum of all debits since that top-up, as a positive number. */
  spentCents: number;
  uses: CreditUse[];
}

export const MAX_PAGE_SIZE = 100;
/** No prepaid balance comes near 10 billion euros; far inside 2^53, so sums of balances stay exact too. */
export const LEDGER_BALANCE_LIMIT_CENTS = 1_000_000_000_000;
const REFERENCE = /^[\w:.\-/;@]{1,128}$/;

export function assertPageSize(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return first;
}

/** Aggregates come back as numbers (SQLite) or DECIMAL strings (MariaDB); both must be safe integers. */
export function safeIntegerFromDatabase(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(parsed)) throw new Error(`aggregate ${String(value)} is not a safe integer`);
  return parsed;
}

export class LedgerService {
  private readonly creditListeners: CreditListener[] = [];
  private topUpHook: TopUpHook | undefined;
  // Every posting locks, appends and rewrites one row: statements built once, not per call.
  private readonly accountRows: EntitySql<AccountEntity>;
  private readonly entryRows: EntitySql<LedgerEntryEntity>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly entries: Repository<LedgerEntryEntity>,
    private readonly clock: Clock,
    private readonly rules: ChargingRules,
  ) {
    this.accountRows = EntitySql.of(entries.manager.dataSource, AccountEntity);
    this.entryRows = EntitySql.of(entries.manager.dataSource, LedgerEntryEntity);
  }

  onCredit(listener: CreditListener): void {
    this.creditListeners.push(listener);
  }

  onTopUp(hook: TopUpHook): void {
    this.topUpHook = hook;
  }

  /** Appends one entry and moves the cached balance in the same transaction, exactly once per reference. */
  async post(input: PostingInput): Promise<PostingResult> {
    this.validate(input);
    return this.transactions.run((manager) => this.postWithin(manager, input));
  }

  async postWithin(manager: EntityManager, input: PostingInput): Promise<PostingResult> {
    this.validate(input);
    const account = await this.lockAccount(manager, input.accountId);
    return this.postLocked(manager, account, input);
  }

  /** SELECT … FOR UPDATE on the account row: every change of balance or reservation goes through here first. */
  async lockAccount(manager: EntityManager, accountId: string): Promise<AccountEntity> {
    const account = await this.accountRows.findById(manager, accountId, { forUpdate: true });
    if (!account) throw notFound('Account', accountId);
    return account;
  }

  /** The caller holds the lock on `account` and passes the in-memory copy it may have changed. */
  async postLocked(manager: EntityManager, account: AccountEntity, input: PostingInput): Promise<PostingResult> {
    this.validate(input);
    const entries = manager.getRepository(LedgerEntryEntity);
    const previous = input.referenceUnused ? null : await entries.findOneBy({ accountId: account.id, reference: input.reference });
    if (previous) {
      if (previous.amountCents !== input.amountCents || previous.kind !== input.kind) {
        throw new DomainError('CONFLICT', `Reference ${input.reference} was already used for a different amount`, {
          reference: input.reference,
        });
      }
      return { entry: previous, account, replayed: true };
    }

    const balanceAfter = account.balanceCents + input.amountCents;
    // Refused before anything is written: a balance the API cannot represent exactly must never be committed.
    if (!Number.isSafeInteger(balanceAfter) || Math.abs(balanceAfter) > LEDGER_BALANCE_LIMIT_CENTS) {
      throw new DomainError('LIMIT_EXCEEDED', 'This posting would take the balance outside the range the ledger keeps', {
        limit: 'LEDGER_RANGE',
        limitCents: LEDGER_BALANCE_LIMIT_CENTS,
      });
    }
    if (input.amountCents < 0 && !input.allowNegative && balanceAfter - account.reservedCents < 0) {
      throw new DomainError('INSUFFICIENT_CREDIT', 'The available credit does not cover this amount', {
        availableCents: account.balanceCents - account.reservedCents,
        requestedCents: -input.amountCents,
      });
    }
    const now = this.clock.now();
    if (input.kind === 'TOP_UP' && this.topUpHook) await this.topUpHook(manager, account, input.amountCents, now);
    const entry = entries.create({
      accountId: account.id,
      kind: input.kind,
      cause: input.cause ?? null,
      amountCents: input.amountCents,
      balanceAfterCents: balanceAfter,
      reference: input.reference,
      reason: input.reason,
      createdAt: now,
    });
    await this.entryRows.insert(manager, entry);
    account.balanceCents = balanceAfter;
    account.updatedAt = now;
    if (input.kind === 'TOP_UP') account.lastTopUpAt = now;
    if (account.reservedCents < 0) throw new Error(`reservation of account ${account.id} would go below zero`);
    // The locked in-memory copy is the truth: its reservation and last use go in the same write, so
    // a caller that also released a reservation needs no second UPDATE of the account.
    await this.accountRows.updateById(manager, account.id, {
      balanceCents: balanceAfter,
      reservedCents: account.reservedCents,
      lastChargeableUseAt: account.lastChargeableUseAt,
      lastTopUpAt: account.lastTopUpAt,
      updatedAt: now,
    });
    await this.triggerAutoTopUp(manager, account, balanceAfter - input.amountCents, input.reference);
    if (input.amountCents > 0) {
      for (const listener of this.creditListeners) await listener(manager, account, entry);
    }
    return { entry, account, replayed: false };
  }

  /**
   * A debit that takes the balance from at or above the account's threshold to below it asks
   * payments for an automatic top-up, in the debit's transaction. Debits serialize on the account
   * lock, so of many concurrent ones exactly one crosses.
   */
  private async triggerAutoTopUp(manager: EntityManager, account: AccountEntity, balanceBefore: number, reference: string): Promise<void> {
    const threshold = account.autoTopUpThresholdCents;
    if (threshold === null || threshold === undefined) return;
    if (!(balanceBefore >= threshold && account.balanceCents < threshold)) return;
    const payload: AutoTopUpTriggerMessage = { accountId: account.id, balanceCents: account.balanceCents, reference };
    const digest = createHash('sha256').update(reference).digest('hex').slice(0, 40);
    await enqueueOutboxMessage(manager, this.clock, { topic: AUTO_TOP_UP_TOPIC, dedupeKey: `auto-top-up:${account.id}:${digest}`, payload });
  }

  /** The internal credit used by payments (top-ups) and refunds (failed payouts coming back). */
  credit(kind: CreditKind, input: TransferInput): Promise<PostingResult> {
    if (!(CREDIT_KINDS as readonly string[]).includes(kind)) throw badInput(`${kind} is not a credit kind`, 'kind');
    assertPositiveCents(input.amountCents, 'amountCents');
    return this.post({ ...input, kind, cause: kind, amountCents: input.amountCents });
  }

  /** The internal debit used by refunds (payouts); never below the available credit. */
  debit(kind: DebitKind, input: TransferInput): Promise<PostingResult> {
    if (!(DEBIT_KINDS as readonly string[]).includes(kind)) throw badInput(`${kind} is not a debit kind`, 'kind');
    assertPositiveCents(input.amountCents, 'amountCents');
    return this.post({ ...input, kind, cause: kind, amountCents: -input.amountCents });
  }

  /**
   * A chargeback (section 11): takes back as much of `amountCents` as the available credit covers,
   * never below zero; what it cannot take stays owed, recorded by payments. Idempotent by reference.
   */
  recover(input: TransferInput): Promise<LedgerEntryEntity | null> {
    assertPositiveCents(input.amountCents, 'amountCents');
    this.validate({ ...input, kind: 'TOP_UP_REFUND', amountCents: -input.amountCents });
    return this.transactions.run(async (manager) => {
      const account = await this.lockAccount(manager, input.accountId);
      const previous = await manager.getRepository(LedgerEntryEntity).findOneBy({ accountId: account.id, reference: input.reference });
      if (previous) return previous;
      const take = Math.min(account.balanceCents - account.reservedCents, input.amountCents);
      if (take <= 0) return null;
      const posting: PostingInput = { ...input, kind: 'TOP_UP_REFUND', cause: 'TOP_UP_REFUND', amountCents: -take, referenceUnused: true };
      return (await this.postLocked(manager, account, posting)).entry;
    });
  }

  /**
   * A charge the network reports late. It may take the balance below zero only for the classes the
   * brand's terms allow (spec section 3); everything else must fit the available credit.
   */
  delayedCharge(chargeClass: DelayedChargeClass, input: TransferInput): Promise<PostingResult> {
    if (!(DELAYED_CHARGE_CLASSES as readonly string[]).includes(chargeClass)) {
      throw badInput(`Unknown delayed charge class ${chargeClass}`, 'chargeClass');
    }
    assertPositiveCents(input.amountCents, 'amountCents');
    const posting: PostingInput = {
      ...input,
      kind: 'DELAYED_CHARGE',
      cause: chargeClass,
      amountCents: -input.amountCents,
    };
    this.validate(posting);
    return this.transactions.run(async (manager) => {
      const account = await this.lockAccount(manager, input.accountId);
      const allowNegative = await this.rules.allowsNegativeBalance(account.brandCode, chargeClass);
      return this.postLocked(manager, account, { ...posting, allowNegative });
    });
  }

  /** A third-party service billed via the phone account; refused while the account's billing block is on. */
  thirdPartyCharge(input: TransferInput): Promise<PostingResult> {
    assertPositiveCents(input.amountCents, 'amountCents');
    const posting: PostingInput = { ...input, kind: 'THIRD_PARTY_CHARGE', cause: 'THIRD_PARTY', amountCents: -input.amountCents };
    this.validate(posting);
    return this.transactions.run(async (manager) => {
      const account = await this.lockAccount(manager, input.accountId);
      // A retry of a charge booked before the block was set gets its original answer.
      const booked = await manager.getRepository(LedgerEntryEntity).existsBy({ accountId: account.id, reference: input.reference });
      if (!booked && account.thirdPartyBlock) {
        throw new DomainError('THIRD_PARTY_BLOCKED', 'The account has a third-party billing block (Drittanbietersperre)');
      }
      return this.postLocked(manager, account, posting);
    });
  }

  /** Newest first; the cursor is the id of the last entry of the previous page. */
  async page(accountId: string, first: number, after?: string | null): Promise<LedgerPage> {
    assertPageSize(first);
    const query = this.entries
      .createQueryBuilder('entry')
      .where('entry.accountId = :accountId', { accountId })
      .orderBy('entry.id', 'DESC')
      .limit(first + 1);
    if (after !== undefined && after !== null) {
      if (!/^\d{1,15}$/.test(after)) throw badInput('after must be a cursor returned by an earlier page', 'after');
      query.andWhere('entry.id < :after', { after: Number(after) });
    }
    const rows = await query.getMany();
    return { entries: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  /** Everything debited since the latest top-up (including what that top-up itself triggered), grouped by cause. */
  async explainSinceLastTopUp(accountId: string): Promise<CreditExplanationData> {
    const lastTopUp = await this.entries.findOne({ where: { accountId, kind: 'TOP_UP' }, order: { id: 'DESC' } });
    const query = this.entries
      .createQueryBuilder('entry')
      .select('entry.kind', 'kind')
      .addSelect('entry.cause', 'cause')
      .addSelect('SUM(entry.amountCents)', 'total')
      .addSelect('COUNT(*)', 'count')
      .where('entry.accountId = :accountId', { accountId })
      .andWhere('entry.amountCents < 0')
      .groupBy('entry.kind')
      .addGroupBy('entry.cause');
    if (lastTopUp) query.andWhere('entry.id > :since', { since: lastTopUp.id });
    const rows = await query.getRawMany<{ kind: LedgerKind; cause: LedgerCause | null; total: unknown; count: unknown }>();
    const uses = rows
      .map((row) => ({
        kind: row.kind,
        cause: row.cause ?? null,
        totalCents: -safeIntegerFromDatabase(row.total),
        count: safeIntegerFromDatabase(row.count),
      }))
      .sort((a, b) => b.totalCents - a.totalCents || a.kind.localeCompare(b.kind));
    return { lastTopUp, spentCents: uses.reduce((sum, use) => sum + use.totalCents, 0), uses };
  }

  /** Σ ledger for one account: what the cached balance must always equal. */
  async sumFor(accountId: string): Promise<number> {
    const row = await this.entries
      .createQueryBuilder('entry')
      .select('COALESCE(SUM(entry.amountCents), 0)', 'total')
      .where('entry.accountId = :accountId', { accountId })
      .getRawOne<{ total: unknown }>();
    return safeIntegerFromDatabase(row?.total);
  }

  private validate(input: PostingInput): void {
    assertCents(input.amountCents);
    if (input.amountCents === 0) throw badInput('amount must not be 0', 'amount');
    if (!LEDGER_KINDS.includes(input.kind)) throw badInput(`Unknown ledger kind ${input.kind}`, 'kind');
    if (input.cause != null && !LEDGER_CAUSES.includes(input.cause)) {
      throw badInput(`Unknown ledger cause ${input.cause}`, 'cause');
    }
    if (typeof input.reference !== 'string' || !REFERENCE.test(input.reference)) {
      throw badInput('reference must be 1-128 characters of letters, digits and :._-/;@', 'reference');
    }
    if (typeof input.reason !== 'string' || !input.reason.trim() || input.reason.length > 255) {
      throw badInput('reason must be 1-255 characters', 'reason');
    }
  }
}
