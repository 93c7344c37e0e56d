import { randomUUID } from 'node:crypto';
import type { EntityManager, Repository } from 'typeorm';
import { In, LessThanOrEqual } from 'typeorm';
import type { Clock } from '../../../common/src/clock';
import { EntitySql } from '../../../common/src/entity-sql';
import { DomainError, badInput, notFound } from '../../../common/src/errors';
import type { TransactionRunner } from '../../../common/src/transaction';
import type { AccountEntity } from '../entities/account.entity';
import { AccountOptionEntity } from '../entities/account-option.entity';
import type { ChargingService } from '../entities/charging-session.entity';
import type { LedgerCause, LedgerKind } from '../entities/ledger-entry.entity';
import type { ChargingRules, Tariff } from '../rules/charging-rules.provider';
import type { LedgerService } from './ledger.service';

const RENEWAL_BATCH = 200;
const OPTION_CODE = /^[A-Z0-9_]{1,32}$/;

/** Calendar months in UTC; the 31st plus one month is the last day of a shorter month, never a day in the month after. */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

type FeeReason = 'BOOKING' | 'RENEWAL' | 'REACTIVATION';

/**
 * Options and packages: the fee is paid from credit in advance for each period. A renewal that does
 * not fit pauses the option; the next credit reactivates it and charges the fee at once, with a
 * ledger entry that says so (spec section 6). Every state change happens under the account lock.
 */
export class OptionService {
  // Read on every charged session start: its statement is built once.
  private readonly optionRows: EntitySql<AccountOptionEntity>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly options: Repository<AccountOptionEntity>,
    private readonly ledger: LedgerService,
    private readonly rules: ChargingRules,
    private readonly clock: Clock,
  ) {
    this.optionRows = EntitySql.of(options.manager.dataSource, AccountOptionEntity);
    ledger.onCredit((manager, account) => this.reactivatePaused(manager, account));
  }

  async book(account: Pick<AccountEntity, 'id'>, code: string): Promise<AccountOptionEntity> {
    if (typeof code !== 'string' || !OPTION_CODE.test(code)) throw badInput('code must be an offer code such as DATA_OPTION', 'code');
    return this.transactions.run(async (manager) => {
      const locked = await this.ledger.lockAccount(manager, account.id);
      if (locked.status !== 'ACTIVE') {
        throw new DomainError('SIM_INACTIVE', 'SIM inaktiv: options can only be booked on an active SIM', { status: locked.status });
      }
      const offer = await this.rules.optionOffer(locked.brandCode, code);
      if (!offer) throw badInput(`The brand ${locked.brandCode} has no offer ${code}`, 'code');
      const repository = manager.getRepository(AccountOptionEntity);
      if (await repository.existsBy({ accountId: locked.id, code, status: In(['ACTIVE', 'PAUSED']) })) {
        throw new DomainError('CONFLICT', `${offer.name} is already booked on this account`);
      }
      const now = this.clock.now();
      const option = repository.create({
        id: randomUUID(),
        accountId: locked.id,
        code: offer.code,
        name: offer.name,
        kind: offer.kind,
        feeCents: offer.feeCents,
        termMonths: offer.termMonths,
        covers: offer.covers.join(','),
        status: 'ACTIVE',
        renews: true,
        paidPeriods: 0,
        periodStart: now,
        periodEnd: addMonths(now, offer.termMonths),
        bookedAt: now,
        updatedAt: now,
      });
      await this.chargeFee(manager, locked, option, 'BOOKING');
      await repository.insert(option);
      return option;
    });
  }

  /** No further renewals; an active option keeps running to the end of its paid period, a paused one ends now. */
  async cancel(optionId: string): Promise<AccountOptionEntity> {
    const found = await this.get(optionId);
    return this.transactions.run(async (manager) => {
      await this.ledger.lockAccount(manager, found.accountId);
      const repository = manager.getRepository(AccountOptionEntity);
      const option = await repository.findOneByOrFail({ id: optionId });
      if (option.status === 'ENDED') return option;
      const now = this.clock.now();
      option.renews = false;
      if (option.status === 'PAUSED') option.status = 'ENDED';
      option.updatedAt = now;
      await repository.save(option);
      return option;
    });
  }

  async get(optionId: string): Promise<AccountOptionEntity> {
    if (typeof optionId !== 'string' || optionId.length > 36) throw notFound('Option', String(optionId));
    const option = await this.options.findOneBy({ id: optionId });
    if (!option) throw notFound('Option', optionId);
    return option;
  }

  listFor(accountId: string): Promise<AccountOptionEntity[]> {
    return this.options.find({ where: { accountId }, order: { bookedAt: 'ASC', id: 'ASC' } });
  }

  /** The scheduler's renewal run; exactly once per period even when runs overlap (see renewDueLocked). */
  async renewDue(): Promise<number> {
    const now = this.clock.now();
    let handled = 0;
    for (;;) {
      const due = await this.options.find({
        select: { id: true, accountId: true },
        where: { status: 'ACTIVE', periodEnd: LessThanOrEqual(now) },
        order: { periodEnd: 'ASC' },
        take: RENEWAL_BATCH,
      });
      let handledInBatch = 0;
      const accountIds = [...new Set(due.map((option) => option.accountId))];
      for (const accountId of accountIds) {
        handledInBatch += await this.transactions.run(async (manager) => {
          const account = await this.ledger.lockAccount(manager, accountId);
          const changed = await this.renewDueLocked(manager, account);
          return changed;
        });
      }
      handled += handledInBatch;
      if (due.length < RENEWAL_BATCH || handledInBatch === 0) return handled;
    }
  }

  /**
   * Services covered by a running option need no credit. Due renewals are settled first, under the
   * lock the caller holds, so a late scheduler neither gives data away nor bills it per MB wrongly.
   */
  async tariffFor(manager: EntityManager, account: AccountEntity, service: ChargingService, base: Tariff): Promise<Tariff> {
    if (base.zeroRated) return base;
    // One read serves both the renewals that are due and the coverage check after them.
    const active = await this.optionRows.findWhere(
      manager,
      'account_id = ? AND status = ?',
      [account.id, 'ACTIVE'],
      'booked_at ASC, id ASC',
    );
    const now = this.clock.now();
    await this.renewLocked(manager, account, active.filter((option) => option.periodEnd.getTime() <= now.getTime()));
    const covered = active.some((option) => option.status === 'ACTIVE' && option.covers.split(',').includes(service));
    return covered ? { unitPriceCents: 0, zeroRated: true, coveredByOption: true } : base;
  }

  /**
   * Renews or pauses (or ends, if canceled) every due option of a locked account; returns how many
   * changed. A SIM that is not active pauses instead of paying (no fee for a service it cannot use).
   */
  private async renewDueLocked(manager: EntityManager, account: AccountEntity): Promise<number> {
    const due = await manager.getRepository(AccountOptionEntity).find({
      where: { accountId: account.id, status: 'ACTIVE', periodEnd: LessThanOrEqual(this.clock.now()) },
      order: { bookedAt: 'ASC', id: 'ASC' },
    });
    return this.renewLocked(manager, account, due);
  }

  /** Renews, pauses or ends the given due options of a locked account, in booking order. */
  private async renewLocked(manager: EntityManager, account: AccountEntity, due: AccountOptionEntity[]): Promise<number> {
    const repository = manager.getRepository(AccountOptionEntity);
    const now = this.clock.now();
    for (const option of due) {
      option.updatedAt = now;
      if (!option.renews || account.status === 'TERMINATED') {
        option.status = 'ENDED';
      } else if (account.status === 'ACTIVE' && account.balanceCents - account.reservedCents >= option.feeCents) {
        const start = option.periodEnd;
        await this.chargeFee(manager, account, option, 'RENEWAL');
        // After a long gap the new period starts now rather than in the past.
        const end = addMonths(start, option.termMonths);
        option.periodStart = end.getTime() > now.getTime() ? start : now;
        option.periodEnd = end.getTime() > now.getTime() ? end : addMonths(now, option.termMonths);
      } else {
        option.status = 'PAUSED';
      }
      await repository.save(option);
    }
    return due.length;
  }

  /** The contract ended: nothing renews any more; a running period simply is not charged again. */
  async endAllLocked(manager: EntityManager, account: AccountEntity): Promise<void> {
    const repository = manager.getRepository(AccountOptionEntity);
    const open = await repository.findBy({ accountId: account.id, status: In(['ACTIVE', 'PAUSED']) });
    const now = this.clock.now();
    for (const option of open) {
      option.status = 'ENDED';
      option.renews = false;
      option.updatedAt = now;
      await repository.save(option);
    }
  }

  /** Runs inside every credit's transaction: paused options come back, oldest booking first, as far as credit goes. */
  private async reactivatePaused(manager: EntityManager, account: AccountEntity): Promise<void> {
    // A SIM the top-up did not reactivate gets no option fees: its credit stays untouched.
    if (account.status !== 'ACTIVE') return;
    const repository = manager.getRepository(AccountOptionEntity);
    const paused = await repository.find({
      where: { accountId: account.id, status: 'PAUSED', renews: true },
      order: { bookedAt: 'ASC', id: 'ASC' },
    });
    const now = this.clock.now();
    for (const option of paused) {
      if (account.balanceCents - account.reservedCents < option.feeCents) continue;
      await this.chargeFee(manager, account, option, 'REACTIVATION');
      option.status = 'ACTIVE';
      option.periodStart = now;
      option.periodEnd = addMonths(now, option.termMonths);
      option.updatedAt = now;
      await repository.save(option);
    }
  }

  private async chargeFee(manager: EntityManager, account: AccountEntity, option: AccountOptionEntity, why: FeeReason): Promise<void> {
    const isPackage = option.kind === 'PACKAGE';
    const kind: LedgerKind = isPackage ? 'PACKAGE_PURCHASE' : 'OPTION_FEE';
    const cause: LedgerCause = isPackage && why !== 'REACTIVATION' ? 'PACKAGE' : (`OPTION_${why}` as LedgerCause);
    const term = `${option.termMonths} month${option.termMonths === 1 ? '' : 's'}`;
    const reason = {
      BOOKING: `${option.name} booked: fee for ${term} charged`,
      RENEWAL: `${option.name} renewed: fee for ${term} charged`,
      REACTIVATION: `${option.name} was paused for lack of credit and reactivated by this top-up: fee for ${term} charged at once`,
    }[why];
    option.paidPeriods += 1;
    await this.ledger.postLocked(manager, account, {
      accountId: account.id,
      kind,
      cause,
      amountCents: -option.feeCents,
      reference: `option:${option.id}:${option.paidPeriods}`,
      reason,
    });
  }
}
