import type { EntityManager } from 'typeorm';
import type { Clock } from '../../../common/src/clock';
import { badInput } from '../../../common/src/errors';
import { enqueueOutboxMessage } from '../../../common/src/outbox/outbox.service';
import { euros } from '../../../common/src/policy/top-up-amounts';
import { moreSevere, noticesDue, phaseAt } from '../../../common/src/policy/validity-engine';
import type { AdvanceNotice } from '../../../common/src/policy/validity-engine';
import type { TransactionRunner } from '../../../common/src/transaction';
import { AccountEntity } from '../entities/account.entity';
import type { AccountStatus } from '../entities/account.entity';
import type { PoliciesPort } from '../ports/policies.port';
import type { ChargingService } from './charging.service';
import type { LedgerService } from './ledger.service';
import type { NotificationService } from './notification.service';
import type { OptionService } from './option.service';
import { PAYOUT_ENTITLEMENT_TOPIC } from './outbox-topics';
import type { PayoutEntitlementMessage, TerminationInitiator } from './outbox-topics';
import { validityStateOf } from './validity.service';

export const TERMINATION_INITIATORS = ['CUSTOMER', 'BRAND'] as const satisfies readonly TerminationInitiator[];
export const TERMINATION_NOTICE_KIND = 'TERMINATION_NOTICE';
export const CONTRACT_TERMINATED_KIND = 'CONTRACT_TERMINATED';

/** Phases the job may still move an account out of. */
const OPEN_STATUSES: readonly AccountStatus[] = ['ACTIVE', 'INACTIVE', 'DEACTIVATED'];
const DEFAULT_BATCH = 100;

export interface LifecycleRun {
  transitions: number;
  notices: number;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function noticeText(notice: AdvanceNotice): string {
  return (
    `Your SIM has not been topped up for a long time: the brand may terminate it from ${day(notice.earliestTerminationAt)}, ` +
    `at the latest on ${day(notice.terminationAt)}. A top-up before then keeps it. ` +
    'Your credit stays yours and is paid out on request after termination.'
  );
}

/**
 * Moves accounts through the phases their brand's rule sets (ACTIVE -> INACTIVE -> DEACTIVATED or
 * TERMINATED), sends advance notices before a termination and opens the payout entitlement when a
 * contract ends. The balance is never touched: credit does not expire.
 *
 * Safe with several instances at once: each batch is claimed with SELECT … FOR UPDATE SKIP LOCKED
 * (MariaDB; SQLite's transactions are serialized anyway), every decision is made again from the
 * locked row, and notices are unique per (account, notice key). A second instance therefore finds
 * nothing left to do for an account the first one handled.
 */
export class LifecycleService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly ledger: LedgerService,
    private readonly charging: ChargingService,
    private readonly options: OptionService,
    private readonly notifications: NotificationService,
    private readonly policies: PoliciesPort,
    private readonly clock: Clock,
    private readonly batchSize = DEFAULT_BATCH,
  ) {}

  /** One pass over every account that can still change phase; returns what it did. */
  async run(): Promise<LifecycleRun> {
    const total: LifecycleRun = { transitions: 0, notices: 0 };
    let cursor = '';
    for (;;) {
      const batch = await this.transactions.run(async (manager) => {
        let query = manager
          .getRepository(AccountEntity)
          .createQueryBuilder('account')
          .where('account.status IN (:...statuses)', { statuses: OPEN_STATUSES })
          .andWhere('account.id > :cursor', { cursor })
          .orderBy('account.id', 'ASC')
          .limit(this.batchSize);
        // Rows another instance holds are its work: skip them instead of queueing behind it.
        if (this.transactions.usesRowLocks) query = query.setLock('pessimistic_write').setOnLocked('skip_locked');
        const accounts = await query.getMany();
        const done: LifecycleRun = { transitions: 0, notices: 0 };
        for (const account of accounts) {
          const result = await this.applyLocked(manager, account);
          done.transitions += result.transitions;
          done.notices += result.notices;
        }
        return { ...done, size: accounts.length, last: accounts.at(-1)?.id ?? null };
      });
      total.transitions += batch.transitions;
      total.notices += batch.notices;
      if (batch.size < this.batchSize || batch.last === null) return total;
      cursor = batch.last;
    }
  }

  /**
   * The customer or the brand ends the contract: open sessions are settled first (reported units
   * charged, the rest released), then the account is TERMINATED and refunds is told to open the
   * payout entitlement. Terminating a terminated account returns it unchanged.
   */
  async terminate(accountId: string, initiatedBy: TerminationInitiator): Promise<AccountEntity> {
    if (!(TERMINATION_INITIATORS as readonly string[]).includes(initiatedBy)) {
      throw badInput(`Unknown termination initiator ${String(initiatedBy)}`, 'initiatedBy');
    }
    return this.transactions.run(async (manager) => {
      const account = await this.ledger.lockAccount(manager, accountId);
      if (account.status === 'TERMINATED') return account;
      await this.terminateLocked(manager, account, initiatedBy, this.clock.now());
      return account;
    });
  }

  private async applyLocked(manager: EntityManager, account: AccountEntity): Promise<LifecycleRun> {
    const now = this.clock.now();
    const rule = (await this.policies.policyAt(account.brandCode, now)).validity;
    const state = validityStateOf(account);
    let notices = 0;
    for (const notice of noticesDue(rule, state, now)) {
      const { created } = await this.notifications.createWithin(manager, {
        accountId: account.id,
        kind: TERMINATION_NOTICE_KIND,
        message: noticeText(notice),
        reference: `notice:${notice.key}`,
      });
      if (created) notices += 1;
    }
    const phase = moreSevere(account.status, phaseAt(rule, state, now).phase);
    if (phase === account.status) return { transitions: 0, notices };
    if (phase === 'TERMINATED') {
      await this.terminateLocked(manager, account, 'BRAND', now);
    } else {
      account.status = phase;
      account.statusChangedAt = now;
      account.updatedAt = now;
      await manager.getRepository(AccountEntity).update({ id: account.id }, { status: phase, statusChangedAt: now, updatedAt: now });
    }
    return { transitions: 1, notices };
  }

  private async terminateLocked(manager: EntityManager, account: AccountEntity, initiatedBy: TerminationInitiator, at: Date): Promise<void> {
    await this.charging.settleOpenSessionsLocked(manager, account);
    await this.options.endAllLocked(manager, account);
    account.status = 'TERMINATED';
    account.statusChangedAt = at;
    account.updatedAt = at;
    await manager.getRepository(AccountEntity).update({ id: account.id }, { status: 'TERMINATED', statusChangedAt: at, updatedAt: at });
    const payload: PayoutEntitlementMessage = {
      accountId: account.id,
      brandCode: account.brandCode,
      terminatedAt: at.toISOString(),
      initiatedBy,
    };
    // One entitlement per contract: the first termination decides, a repeated one changes nothing.
    await enqueueOutboxMessage(manager, this.clock, { topic: PAYOUT_ENTITLEMENT_TOPIC, dedupeKey: `payout-entitlement:${account.id}`, payload });
    const credit = account.balanceCents > 0 ? ` Your remaining credit of ${euros(account.balanceCents)} is paid out on request.` : '';
    await this.notifications.createWithin(manager, {
      accountId: account.id,
      kind: CONTRACT_TERMINATED_KIND,
      message: `Your contract ended on ${day(at)} (${initiatedBy === 'CUSTOMER' ? 'terminated by you' : 'terminated by the brand'}).${credit}`,
      reference: 'contract-terminated',
    });
  }
}
