import type { EntityManager, Repository } from 'typeorm';
import { isDuplicateKeyError } from '../../../common/src/data-source';
import { LessThanOrEqual } from 'typeorm';
import type { Clock } from '../../../common/src/clock';
import { EntitySql } from '../../../common/src/entity-sql';
import { DomainError, badInput, notFound } from '../../../common/src/errors';
import type { TransactionRunner } from '../../../common/src/transaction';
import { AccountEntity } from '../entities/account.entity';
import { CHARGING_SERVICES, ChargingSessionEntity } from '../entities/charging-session.entity';
import type { ChargingService as ChargingServiceKind, ChargingSessionStatus } from '../entities/charging-session.entity';
import type { LedgerCause } from '../entities/ledger-entry.entity';
import type { ChargingRules, Tariff } from '../rules/charging-rules.provider';
import { assertMsisdn } from './account.service';
import type { LedgerService } from './ledger.service';
import type { ValidityService } from './validity.service';

/** More than a day of calls or 10 GB in one request is a broken caller, not a customer. */
export const MAX_UNITS_PER_REQUEST = 10_000;
const SESSION_ID = /^[\w:.\-/;@]{1,100}$/;
const EXPIRY_BATCH = 200;

export interface StartSessionInput {
  sessionId: string;
  accountId?: string | null;
  msisdn?: string | null;
  service: ChargingServiceKind;
  requestedUnits: number;
}

export interface UpdateSessionInput {
  sessionId: string;
  /** Like Diameter's CC-Request-Number: increases with every update; a repeat is a retry. */
  requestNumber: number;
  /** Units used since the session started (cumulative), so a retried report cannot count twice. */
  usedUnits: number;
  /** Further units wanted; 0 only reports usage. */
  requestedUnits: number;
}

export interface TerminateSessionInput {
  sessionId: string;
  /** Units used over the whole session. */
  usedUnits: number;
}

/** Lets options (a data option covering data) take part in pricing without charging knowing about them. */
export type TariffOverride = (manager: EntityManager, account: AccountEntity, service: ChargingServiceKind, base: Tariff) => Promise<Tariff>;

const CAUSE_BY_SERVICE: Record<ChargingServiceKind, LedgerCause> = {
  VOICE: 'VOICE',
  SMS: 'SMS',
  DATA: 'DATA_PER_MB',
  WHATSAPP_TEXT: 'DATA_PER_MB',
};

const UNIT_NAMES: Record<ChargingServiceKind, string> = {
  VOICE: 'minute(s)',
  SMS: 'SMS',
  DATA: 'MB',
  WHATSAPP_TEXT: 'WhatsApp message(s) billed as data',
};

function assertUnits(value: number, field: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > MAX_UNITS_PER_REQUEST) {
    throw badInput(`${field} must be a whole number from ${min} to ${MAX_UNITS_PER_REQUEST}`, field);
  }
  return value;
}

function assertSessionId(sessionId: string): string {
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) {
    throw badInput('sessionId must be 1-100 characters of letters, digits and :._-/;@', 'sessionId');
  }
  return sessionId;
}

/**
 * Online charging like Diameter credit control: reserve before use, commit what was used, release
 * the rest. Every step locks the account row first, so a reservation and the balance it is checked
 * against can never change underneath each other.
 */
export class ChargingService {
  private tariffOverride: TariffOverride | undefined;
  // Each start and terminate reads and writes the same few rows: statements built once, not per call.
  private readonly accountRows: EntitySql<AccountEntity>;
  private readonly sessionRows: EntitySql<ChargingSessionEntity>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly sessions: Repository<ChargingSessionEntity>,
    private readonly ledger: LedgerService,
    private readonly rules: ChargingRules,
    private readonly clock: Clock,
    private readonly validity?: ValidityService,
  ) {
    this.accountRows = EntitySql.of(sessions.manager.dataSource, AccountEntity);
    this.sessionRows = EntitySql.of(sessions.manager.dataSource, ChargingSessionEntity);
  }

  setTariffOverride(override: TariffOverride): void {
    this.tariffOverride = override;
  }

  async start(input: StartSessionInput): Promise<ChargingSessionEntity> {
    assertSessionId(input.sessionId);
    if (!CHARGING_SERVICES.includes(input.service)) throw badInput(`Unknown service ${String(input.service)}`, 'service');
    assertUnits(input.requestedUnits, 'requestedUnits', 1);
    if ((input.accountId == null) === (input.msisdn == null)) {
      throw badInput('Give exactly one of accountId and msisdn', 'accountId');
    }
    const accountId = input.accountId ?? (await this.accountIdForMsisdn(assertMsisdn(input.msisdn!)));

    try {
      return await this.transactions.run(async (manager) => {
        const account = await this.ledger.lockAccount(manager, accountId);
        const existing = await this.sessionRows.findById(manager, input.sessionId);
        if (existing) {
          if (existing.accountId !== account.id || existing.service !== input.service) {
            throw new DomainError('CONFLICT', `Session ${input.sessionId} already exists for another account or service`);
          }
          return existing;
        }
        const now = this.clock.now();
        this.assertActive(account);
        // The rule may have ended the validity before the lifecycle job wrote the new status.
        await this.validity?.assertUsable(account, now);

        const tariff = await this.tariffFor(manager, account, input.service);
        const available = account.balanceCents - account.reservedCents;
        const threshold = await this.rules.lowBalanceThresholdCents(account.brandCode);
        let granted = input.requestedUnits;
        if (!tariff.zeroRated) {
          const affordable = available > 0 ? Math.floor(available / tariff.unitPriceCents) : 0;
          if (affordable < 1) {
            throw new DomainError('INSUFFICIENT_CREDIT', 'Not enough credit for one unit of this service', {
              availableCents: available,
              unitPriceCents: tariff.unitPriceCents,
            });
          }
          granted = Math.min(input.requestedUnits, affordable);
        }
        const reserve = granted * tariff.unitPriceCents;
        const session = manager.getRepository(ChargingSessionEntity).create({
          id: input.sessionId,
          accountId: account.id,
          service: input.service,
          status: 'OPEN',
          zeroRated: tariff.zeroRated,
          unitPriceCents: tariff.unitPriceCents,
          grantedUnits: granted,
          lastGrantedUnits: granted,
          usedUnits: 0,
          finalGrant: granted < input.requestedUnits,
          lowBalance: !tariff.zeroRated && available < threshold,
          reservedCents: reserve,
          chargedCents: 0,
          lastRequestNumber: 0,
          startedAt: now,
          expiresAt: await this.expiry(account, now),
          endedAt: null,
          updatedAt: now,
        });
        await this.sessionRows.insert(manager, session);
        // Option-covered use needs no credit but is still a chargeable connection (validity rules count it).
        if (!tariff.zeroRated || tariff.coveredByOption) {
          account.reservedCents += reserve;
          if (this.validity) await this.validity.chargeableUseInMemory(account, now);
          else account.lastChargeableUseAt = now;
          await this.saveAccount(manager, account, now);
        }
        return session;
      });
    } catch (error) {
      // Two starts with one session id on different accounts race past the lookup; the key decides.
      if (isDuplicateKeyError(error)) throw new DomainError('CONFLICT', `Session ${input.sessionId} already exists`);
      throw error;
    }
  }

  async update(input: UpdateSessionInput): Promise<ChargingSessionEntity> {
    assertSessionId(input.sessionId);
    if (!Number.isSafeInteger(input.requestNumber) || input.requestNumber < 1) {
      throw badInput('requestNumber must be a whole number of at least 1', 'requestNumber');
    }
    assertUnits(input.requestedUnits, 'requestedUnits', 0);
    if (!Number.isSafeInteger(input.usedUnits) || input.usedUnits < 0) throw badInput('usedUnits must not be negative', 'usedUnits');

    return this.transactions.run(async (manager) => {
      const { account, session } = await this.lockSession(manager, input.sessionId);
      if (session.status !== 'OPEN') return session;
      if (input.requestNumber === session.lastRequestNumber) return session;
      if (input.requestNumber < session.lastRequestNumber) {
        throw new DomainError('CONFLICT', `requestNumber ${input.requestNumber} is older than ${session.lastRequestNumber}`);
      }
      this.assertUsed(session, input.usedUnits);

      let granted = input.requestedUnits;
      let final = false;
      if (account.status !== 'ACTIVE') {
        // The SIM was switched off mid-session: nothing more, and the network cuts the connection.
        granted = 0;
        final = input.requestedUnits > 0;
      } else if (!session.zeroRated && input.requestedUnits > 0) {
        const available = account.balanceCents - account.reservedCents;
        const affordable = available > 0 ? Math.floor(available / session.unitPriceCents) : 0;
        granted = Math.min(input.requestedUnits, affordable);
        final = granted < input.requestedUnits;
      }
      const now = this.clock.now();
      const reserve = granted * session.unitPriceCents;
      session.usedUnits = input.usedUnits;
      session.grantedUnits += granted;
      session.lastGrantedUnits = granted;
      session.finalGrant = final;
      session.reservedCents += reserve;
      session.lastRequestNumber = input.requestNumber;
      session.lowBalance =
        !session.zeroRated &&
        account.balanceCents - account.reservedCents < (await this.rules.lowBalanceThresholdCents(account.brandCode));
      session.expiresAt = await this.expiry(account, now);
      session.updatedAt = now;
      await this.saveSession(manager, session);
      if (reserve > 0) {
        account.reservedCents += reserve;
        await this.saveAccount(manager, account, now);
      }
      return session;
    });
  }

  /**
   * Commits the used units as one ledger entry and releases the rest. A retry gets the same answer;
   * a terminate that arrives after the session expired is answered without charging again.
   */
  async terminate(input: TerminateSessionInput): Promise<ChargingSessionEntity> {
    assertSessionId(input.sessionId);
    if (!Number.isSafeInteger(input.usedUnits) || input.usedUnits < 0) throw badInput('usedUnits must not be negative', 'usedUnits');
    return this.transactions.run(async (manager) => {
      const { account, session } = await this.lockSession(manager, input.sessionId);
      if (session.status === 'EXPIRED') return session;
      if (session.status === 'TERMINATED') {
        if (session.usedUnits !== input.usedUnits) {
          throw new DomainError('CONFLICT', `Session ${session.id} was already terminated with ${session.usedUnits} used units`);
        }
        return session;
      }
      this.assertUsed(session, input.usedUnits);
      session.usedUnits = input.usedUnits;
      await this.close(manager, account, session, 'TERMINATED');
      return session;
    });
  }

  /**
   * Releases the reservations of sessions the network never terminated, charging what it had
   * reported. Safe to run from several processes at once: each session is re-read under its
   * account's lock and only an OPEN one is closed, so it happens exactly once.
   */
  async expireStaleSessions(): Promise<number> {
    const now = this.clock.now();
    let expired = 0;
    for (;;) {
      const stale = await this.sessions.find({
        select: { id: true, accountId: true },
        where: { status: 'OPEN', expiresAt: LessThanOrEqual(now) },
        order: { expiresAt: 'ASC' },
        take: EXPIRY_BATCH,
      });
      let closedInBatch = 0;
      for (const candidate of stale) {
        const closed = await this.transactions.run(async (manager) => {
          const account = await this.ledger.lockAccount(manager, candidate.accountId);
          const session = await this.sessionRows.findById(manager, candidate.id);
          if (!session || session.status !== 'OPEN' || session.expiresAt.getTime() > now.getTime()) return false;
          await this.close(manager, account, session, 'EXPIRED');
          return true;
        });
        if (closed) closedInBatch += 1;
      }
      expired += closedInBatch;
      // A batch someone else already closed would come back forever; stop when nothing moved.
      if (stale.length < EXPIRY_BATCH || closedInBatch === 0) return expired;
    }
  }

  /**
   * Before a contract ends: commits what each open session reported and releases the rest, under
   * the lock the caller holds. Returns how many sessions were closed.
   */
  async settleOpenSessionsLocked(manager: EntityManager, account: AccountEntity): Promise<number> {
    const open = await manager.getRepository(ChargingSessionEntity).find({ where: { accountId: account.id, status: 'OPEN' }, order: { startedAt: 'ASC' } });
    for (const session of open) await this.close(manager, account, session, 'TERMINATED');
    return open.length;
  }

  async get(sessionId: string): Promise<ChargingSessionEntity> {
    const session = await this.sessions.findOneBy({ id: assertSessionId(sessionId) });
    if (!session) throw notFound('Charging session', sessionId);
    return session;
  }

  private async close(
    manager: EntityManager,
    account: AccountEntity,
    session: ChargingSessionEntity,
    status: Exclude<ChargingSessionStatus, 'OPEN'>,
  ): Promise<void> {
    const now = this.clock.now();
    const charge = session.usedUnits * session.unitPriceCents;
    account.reservedCents -= session.reservedCents;
    if (charge > 0) {
      // Also writes the released reservation: one UPDATE of the account for the whole close.
      await this.ledger.postLocked(manager, account, {
        accountId: account.id,
        kind: 'USAGE',
        cause: CAUSE_BY_SERVICE[session.service],
        amountCents: -charge,
        reference: `charging:${session.id}`,
        reason: `${session.service}: ${session.usedUnits} ${UNIT_NAMES[session.service]} at ${session.unitPriceCents} ct${
          status === 'EXPIRED' ? ' (session expired)' : ''
        }`,
        // Covered by the reservation just released: the credit was checked when the units were granted.
        allowNegative: true,
        // Only OPEN sessions are closed, under the account lock, and a session books once when it closes.
        referenceUnused: true,
      });
    } else {
      await this.saveAccount(manager, account, now);
    }
    session.chargedCents = charge;
    session.reservedCents = 0;
    session.status = status;
    session.endedAt = now;
    session.updatedAt = now;
    await this.saveSession(manager, session);
  }

  private async lockSession(
    manager: EntityManager,
    sessionId: string,
  ): Promise<{ account: AccountEntity; session: ChargingSessionEntity }> {
    // Locks the session's account in one statement: the subquery is a plain (non-locking) read, so
    // the lock order stays account first, as everywhere else.
    const account = await this.accountRows.findByIdSubquery(
      manager,
      'SELECT session.account_id FROM charging_session session WHERE session.id = ?',
      [sessionId],
      { forUpdate: true },
    );
    if (!account) throw notFound('Charging session', sessionId);
    // Read under the account lock: every change to a session happens under that lock.
    const session = await this.sessionRows.findById(manager, sessionId);
    if (!session) throw notFound('Charging session', sessionId);
    return { account, session };
  }

  private assertActive(account: AccountEntity): void {
    if (account.status !== 'ACTIVE') {
      throw new DomainError('SIM_INACTIVE', 'SIM inaktiv: the SIM is not active and connects to nothing', {
        status: account.status,
      });
    }
  }

  private assertUsed(session: ChargingSessionEntity, usedUnits: number): void {
    if (usedUnits < session.usedUnits || usedUnits > session.grantedUnits) {
      throw badInput(
        `usedUnits must be between the units already reported (${session.usedUnits}) and those granted (${session.grantedUnits})`,
        'usedUnits',
      );
    }
  }

  private async tariffFor(manager: EntityManager, account: AccountEntity, service: ChargingServiceKind): Promise<Tariff> {
    const base = await this.rules.tariff(account.brandCode, service);
    const tariff = this.tariffOverride ? await this.tariffOverride(manager, account, service, base) : base;
    if (!tariff.zeroRated && (!Number.isSafeInteger(tariff.unitPriceCents) || tariff.unitPriceCents <= 0)) {
      throw new Error(`tariff for ${account.brandCode}/${service} must be zero-rated or cost at least 1 cent`);
    }
    return tariff;
  }

  private async expiry(account: AccountEntity, now: Date): Promise<Date> {
    return new Date(now.getTime() + (await this.rules.sessionValidityMs(account.brandCode)));
  }

  /** Writes what charging may change on the locked account: the reservation and the validity fields. */
  private async saveAccount(manager: EntityManager, account: AccountEntity, now: Date): Promise<void> {
    if (account.reservedCents < 0) throw new Error(`reservation of account ${account.id} would go below zero`);
    account.updatedAt = now;
    await this.accountRows.updateById(manager, account.id, {
      reservedCents: account.reservedCents,
      status: account.status,
      statusChangedAt: account.statusChangedAt,
      validUntil: account.validUntil,
      lastTopUpAt: account.lastTopUpAt,
      lastChargeableUseAt: account.lastChargeableUseAt,
      updatedAt: now,
    });
  }

  /** A plain UPDATE of the session's mutable columns (`save` would SELECT the row first). */
  private async saveSession(manager: EntityManager, session: ChargingSessionEntity): Promise<void> {
    await this.sessionRows.updateById(manager, session.id, {
      status: session.status,
      usedUnits: session.usedUnits,
      grantedUnits: session.grantedUnits,
      lastGrantedUnits: session.lastGrantedUnits,
      finalGrant: session.finalGrant,
      lowBalance: session.lowBalance,
      reservedCents: session.reservedCents,
      chargedCents: session.chargedCents,
      lastRequestNumber: session.lastRequestNumber,
      expiresAt: session.expiresAt,
      endedAt: session.endedAt,
      updatedAt: session.updatedAt,
    });
  }

  private async accountIdForMsisdn(msisdn: string): Promise<string> {
    const account = await this.sessions.manager.getRepository(AccountEntity).findOne({ select: { id: true }, where: { msisdn } });
    if (!account) throw notFound('Account with MSISDN', msisdn);
    return account.id;
  }
}

