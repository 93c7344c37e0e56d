import { randomUUID } from 'node:crypto';
import type { EntityManager, Repository } from 'typeorm';
import type { Clock } from '../../../common/src/clock';
import { DomainError, badInput, notFound } from '../../../common/src/errors';
import type { Logger } from '../../../common/src/logger';
import { formatCents } from '../../../common/src/money';
import { enqueueOutboxMessage } from '../../../common/src/outbox/outbox.service';
import type { Principal } from '../../../common/src/principal';
import type { TransactionRunner } from '../../../common/src/transaction';
import { AutoTopUpRuleEntity } from '../entities/auto-top-up-rule.entity';
import type { AutoTopUpTrigger } from '../entities/auto-top-up-rule.entity';
import type { TopUpOrderEntity } from '../entities/top-up-order.entity';
import type { AccountsPort } from '../ports/accounts.port';
import { SavedPaymentMethodEntity } from '../entities/saved-payment-method.entity';
import type { PaymentProviderPort, StoredChargeOutcome } from '../ports/payment-provider.port';
import type { DisputeService } from './dispute.service';
import type { TopUpService } from './top-up.service';

export const NOTIFICATION_TOPIC = 'account.notification';
export const CHARGE_TOPIC = 'provider.charge-saved-method';
const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;

export interface AutoTopUpRuleInput {
  accountId: string;
  trigger: AutoTopUpTrigger;
  thresholdCents: number | null;
  dayOfMonth: number | null;
  amountCents: number;
  paymentMethodRef: string;
}

/** The calendar day in Germany, where "the 1st of each month" is meant. */
function berlinDate(date: Date): { period: string; day: number } {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Berlin',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
    .format(date)
    .split('-');
  return { period: `${year}-${month}`, day: Number(day) };
}

/**
 * Automatic top-ups. A threshold rule fires once per crossing (it is disarmed in the same locked
 * transaction that creates the order and re-armed by a credit that lifts the balance back up); a
 * monthly rule fires once per (rule, month). Failed payments credit nothing, re-arm the rule with
 * backoff and tell the customer. They run while roaming: nothing here depends on where the SIM is.
 */
/** Refusals that mean the contract has ended or the account is gone (see TopUpService.insertOrder and visibleAccount). */
const PERMANENT_REFUSALS = new Set<string>(['SIM_INACTIVE', 'NOT_FOUND']);

export class AutoTopUpService {
  constructor(
    private readonly rules: Repository<AutoTopUpRuleEntity>,
    private readonly transactions: TransactionRunner,
    private readonly topUps: TopUpService,
    private readonly accounts: AccountsPort,
    private readonly provider: PaymentProviderPort,
    private readonly methods: Repository<SavedPaymentMethodEntity>,
    private readonly disputes: DisputeService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly pageBaseUrl: string,
  ) {}

  /**
   * Starts saving a payment method with the customer's consent to automatic top-ups: the provider's
   * page in setup mode. The method can be used by a rule once the provider reports it saved.
   */
  async startMethodSetup(principal: Principal, accountId: string): Promise<{ id: string; setupUrl: string }> {
    const account = await this.topUps.visibleAccount(principal, accountId);
    if (account.status === 'TERMINATED') throw new DomainError('SIM_INACTIVE', 'The contract of this SIM has ended', { status: account.status });
    const earlier = await this.methods.findOne({ where: { accountId: account.id }, order: { createdAt: 'DESC' } });
    const method: SavedPaymentMethodEntity = {
      id: randomUUID(),
      accountId: account.id,
      brandCode: account.brandCode,
      status: 'SETUP_PENDING',
      providerSetupSessionId: null,
      providerCustomerId: earlier?.providerCustomerId ?? null,
      providerMethodId: null,
      method: null,
      fingerprint: null,
      label: null,
      consentedAt: null,
      createdAt: this.clock.now(),
    };
    await this.methods.insert(method);
    const checkout = await this.provider.createMethodSetup({
      accountId: account.id,
      customerId: method.providerCustomerId,
      setupReference: method.id,
      successUrl: `${this.pageBaseUrl}/payment-method-saved`,
      cancelUrl: `${this.pageBaseUrl}/payment-method-canceled`,
    });
    await this.methods.update({ id: method.id }, { providerSetupSessionId: checkout.sessionId });
    return { id: method.id, setupUrl: checkout.url };
  }

  /** The provider reported a completed setup (outbox, outside any transaction): what was saved. */
  async completeMethodSetup(setupReference: string, setupId: string): Promise<void> {
    const saved = await this.provider.savedMethod(setupId);
    await this.methods.update(
      { id: setupReference },
      {
        status: 'SAVED',
        providerCustomerId: saved.customerId,
        providerMethodId: saved.paymentMethodId,
        method: saved.method,
        fingerprint: saved.fingerprint,
        label: saved.label,
        consentedAt: this.clock.now(),
      },
    );
  }

  savedMethods(accountId: string): Promise<SavedPaymentMethodEntity[]> {
    return this.methods.find({ where: { accountId, status: 'SAVED' }, order: { createdAt: 'DESC' } });
  }

  /** The relay's side of an automatic top-up: charges the saved method once (idempotency key per order). */
  async chargeOrder(orderId: string): Promise<{ order: TopUpOrderEntity; result: StoredChargeOutcome } | null> {
    const order = await this.topUps.byId(orderId);
    if (!order || order.status !== 'PENDING' || !order.autoTopUpRuleId) return null;
    const rule = await this.rules.findOneBy({ id: order.autoTopUpRuleId });
    const saved = rule ? await this.methods.findOneBy({ id: rule.paymentMethodRef, accountId: order.accountId, status: 'SAVED' }) : null;
    if (!saved?.providerCustomerId || !saved.providerMethodId) {
      return { order, result: { outcome: 'DECLINED', paymentId: null, code: 'no_saved_method', needsCustomer: true, message: 'no saved payment method' } };
    }
    if (saved.fingerprint && (await this.disputes.isBlocked(order.accountId, saved.fingerprint))) {
      return { order, result: { outcome: 'DECLINED', paymentId: null, code: 'payment_method_blocked', needsCustomer: true, message: 'payment method blocked after a chargeback' } };
    }
    return { order, result: await this.provider.chargeSavedMethod(order, { customerId: saved.providerCustomerId, paymentMethodId: saved.providerMethodId }) };
  }

  /** A chargeback stops automatic top-ups until the customer sets the rule again. */
  async pauseForAccount(manager: EntityManager, accountId: string, reason: string): Promise<void> {
    await manager.getRepository(AutoTopUpRuleEntity).update({ accountId }, { pausedReason: reason.slice(0, 255), armed: false, updatedAt: this.clock.now() });
  }

  async setRule(principal: Principal, input: AutoTopUpRuleInput): Promise<AutoTopUpRuleEntity> {
    const account = await this.topUps.visibleAccount(principal, input.accountId);
    if (input.trigger === 'BELOW_THRESHOLD') {
      if (input.thresholdCents === null || !Number.isSafeInteger(input.thresholdCents) || input.thresholdCents < 0) {
        throw badInput('A threshold rule needs thresholdCents of 0 or more', 'thresholdCents');
      }
    } else if (input.dayOfMonth === null || !Number.isInteger(input.dayOfMonth) || input.dayOfMonth < 1 || input.dayOfMonth > 28) {
      throw badInput('A monthly rule needs dayOfMonth between 1 and 28 (every month has those days)', 'dayOfMonth');
    }
    const saved = /^[\w-]{36}$/.test(input.paymentMethodRef)
      ? await this.methods.findOneBy({ id: input.paymentMethodRef, accountId: account.id, status: 'SAVED' })
      : null;
    if (!saved) {
      throw badInput('paymentMethodRef must be the id of a payment method saved for this account (startPaymentMethodSetup)', 'paymentMethodRef');
    }
    await this.disputes.assertNotBlocked(account.id, saved.fingerprint);
    await this.topUps.assertAmountAllowed(account, 'AUTOMATIC', input.amountCents);
    // Threshold first, rule second: if saving the rule fails, a reported crossing finds no rule and does nothing.
    await this.accounts.setAutoTopUpThreshold(account.id, input.trigger === 'BELOW_THRESHOLD' ? input.thresholdCents : null);
    const now = this.clock.now();
    return this.transactions.run(async (manager) => {
      const repository = manager.getRepository(AutoTopUpRuleEntity);
      const existing = await repository.findOneBy({ accountId: account.id });
      const rule = repository.create({
        id: existing?.id ?? randomUUID(),
        accountId: account.id,
        brandCode: account.brandCode,
        trigger: input.trigger,
        thresholdCents: input.trigger === 'BELOW_THRESHOLD' ? input.thresholdCents : null,
        dayOfMonth: input.trigger === 'MONTHLY' ? input.dayOfMonth : null,
        amountCents: input.amountCents,
        paymentMethodRef: input.paymentMethodRef,
        enabled: true,
        armed: true,
        lastFiredPeriod: existing?.trigger === input.trigger ? (existing.lastFiredPeriod ?? null) : null,
        consecutiveFailures: 0,
        retryAfter: null,
        pausedReason: null,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      });
      await repository.save(rule);
      return rule;
    });
  }

  async removeRule(principal: Principal, accountId: string): Promise<boolean> {
    const account = await this.topUps.visibleAccount(principal, accountId);
    const result = await this.rules.delete({ accountId: account.id });
    // Rule first, threshold second: a crossing reported in between finds no rule and does nothing.
    await this.accounts.setAutoTopUpThreshold(account.id, null);
    return (result.affected ?? 0) > 0;
  }

  ruleForAccount(accountId: string): Promise<AutoTopUpRuleEntity | null> {
    return this.rules.findOneBy({ accountId });
  }

  /**
   * Called (as a service) when a debit took the balance below the account's threshold. However many
   * concurrent debits report a crossing, only the first finds the rule armed.
   */
  async onBalanceBelowThreshold(accountId: string, balanceCents: number, crossingReference: string): Promise<TopUpOrderEntity | null> {
    const account = await this.topUps.visibleAccount({ role: 'service', subject: 'auto-top-up' }, accountId);
    const order = await this.transactions.run(async (manager) => {
      const rule = await this.lockRule(manager, accountId);
      if (!rule || !rule.enabled || rule.pausedReason || rule.trigger !== 'BELOW_THRESHOLD' || !rule.armed) return null;
      if (rule.thresholdCents === null || balanceCents >= rule.thresholdCents) return null;
      if (rule.retryAfter && rule.retryAfter > this.clock.now()) return null;
      await manager.getRepository(AutoTopUpRuleEntity).update({ id: rule.id }, { armed: false, updatedAt: this.clock.now() });
      const created = await this.topUps.insertOrder(
        { account, amountCents: rule.amountCents, channel: 'AUTOMATIC', idempotencyKey: `auto:${rule.id}:${crossingReference}`.slice(0, 128), autoTopUpRuleId: rule.id },
        manager,
      );
      await this.enqueueCharge(manager, created);
      return created;
    });
    return order;
  }

  /** Monthly rules due today (Berlin time) or earlier this month that have not fired this month. */
  async runMonthly(): Promise<number> {
    const today = berlinDate(this.clock.now());
    const due = await this.rules
      .createQueryBuilder('r')
      .where('r.trigger_kind = :trigger AND r.enabled = :enabled AND r.day_of_month <= :day', { trigger: 'MONTHLY', enabled: true, day: today.day })
      .andWhere('r.paused_reason IS NULL')
      .andWhere('(r.last_fired_period IS NULL OR r.last_fired_period <> :period)', { period: today.period })
      .getMany();
    let fired = 0;
    for (const candidate of due) {
      // One rule that cannot fire must not stop the others (nor the retries after this loop).
      try {
        if (await this.fireMonthly(candidate, today.period)) fired += 1;
      } catch (error) {
        await this.handleRuleFailure(candidate, error);
      }
    }
    return fired;
  }

  private async fireMonthly(candidate: AutoTopUpRuleEntity, period: string): Promise<boolean> {
    const order = await this.transactions.run(async (manager) => {
      // The conditional update is the claim: with several job instances, one wins per (rule, month).
      const claim = await manager
        .getRepository(AutoTopUpRuleEntity)
        .createQueryBuilder()
        .update()
        .set({ lastFiredPeriod: period, updatedAt: this.clock.now() })
        .where('id = :id AND (last_fired_period IS NULL OR last_fired_period <> :period)', { id: candidate.id, period })
        .execute();
      if (claim.affected !== 1) return null;
      const account = await this.topUps.visibleAccount({ role: 'service', subject: 'auto-top-up' }, candidate.accountId);
      const created = await this.topUps.insertOrder(
        { account, amountCents: candidate.amountCents, channel: 'AUTOMATIC', idempotencyKey: `auto:${candidate.id}:${period}`, autoTopUpRuleId: candidate.id },
        manager,
      );
      await this.enqueueCharge(manager, created);
      return created;
    });
    return order !== null;
  }

  /**
   * An account that refuses top-ups for good (the contract has ended, the account is gone) will not
   * change by trying again: the rule is switched off and the job goes on. Any other failure
   * (accounts not reachable, a refusal that may clear) leaves the rule as it was for the next run.
   */
  private async handleRuleFailure(rule: AutoTopUpRuleEntity, error: unknown): Promise<void> {
    if (!(error instanceof DomainError) || !PERMANENT_REFUSALS.has(error.code)) {
      this.logger.error({ err: error, ruleId: rule.id }, 'automatic top-up rule could not be run; next run tries again');
      return;
    }
    this.logger.warn({ ruleId: rule.id, code: error.code }, 'automatic top-up rule switched off: the account refuses top-ups for good');
    await this.rules.update({ id: rule.id }, { enabled: false, armed: false, updatedAt: this.clock.now() });
  }

  /**
   * A failed automatic payment. One the customer must resolve (authentication required, a decline)
   * pauses the rule until they set it again; any other is retried with exponential backoff. Either
   * way the customer is told.
   */
  async recordFailure(manager: EntityManager, order: TopUpOrderEntity, needsCustomer: string | null): Promise<void> {
    const repository = manager.getRepository(AutoTopUpRuleEntity);
    const rule = await repository.findOneBy({ id: order.autoTopUpRuleId ?? '' });
    if (!rule) return;
    if (needsCustomer) {
      await repository.update({ id: rule.id }, { pausedReason: needsCustomer.slice(0, 255), armed: false, consecutiveFailures: rule.consecutiveFailures + 1, updatedAt: this.clock.now() });
      await enqueueOutboxMessage(manager, this.clock, {
        topic: NOTIFICATION_TOPIC,
        dedupeKey: `auto-top-up-paused:${order.id}`,
        payload: {
          accountId: order.accountId,
          kind: 'AUTO_TOP_UP_PAUSED',
          message: `Ihre automatische Aufladung über ${formatCents(order.amountCents)} wurde von Ihrer Bank abgelehnt oder muss bestätigt werden. Sie ist pausiert, bis Sie sie in der App erneut einrichten.`,
          reference: `auto-top-up-paused:${order.id}`,
        },
      });
      return;
    }
    const failures = rule.consecutiveFailures + 1;
    const backoffMs = Math.min(MAX_BACKOFF_MS, 15 * 60 * 1000 * 2 ** (failures - 1));
    const now = this.clock.now();
    await repository.update(
      { id: rule.id },
      {
        consecutiveFailures: failures,
        retryAfter: new Date(now.getTime() + backoffMs),
        armed: true,
        // A monthly rule may try again this month after the backoff.
        lastFiredPeriod: rule.trigger === 'MONTHLY' ? null : rule.lastFiredPeriod,
        updatedAt: now,
      },
    );
    await enqueueOutboxMessage(manager, this.clock, {
      topic: NOTIFICATION_TOPIC,
      dedupeKey: `auto-top-up-failed:${order.id}`,
      payload: {
        accountId: order.accountId,
        kind: 'AUTO_TOP_UP_FAILED',
        message: `Ihre automatische Aufladung über ${formatCents(order.amountCents)} ist fehlgeschlagen. Wir versuchen es später erneut.`,
        reference: `auto-top-up-failed:${order.id}`,
      },
    });
  }

  /** After a credit: a paid automatic order resets the failure count; a balance back above the threshold re-arms. */
  async onCredited(manager: EntityManager, order: TopUpOrderEntity, balanceCents: number): Promise<void> {
    const repository = manager.getRepository(AutoTopUpRuleEntity);
    const rule = await repository.findOneBy({ accountId: order.accountId });
    if (!rule) return;
    const changes: Partial<AutoTopUpRuleEntity> = {};
    if (order.autoTopUpRuleId === rule.id) Object.assign(changes, { consecutiveFailures: 0, retryAfter: null });
    if (rule.trigger === 'BELOW_THRESHOLD' && rule.thresholdCents !== null && balanceCents >= rule.thresholdCents && !rule.armed) {
      changes.armed = true;
    }
    if (Object.keys(changes).length > 0) await repository.update({ id: rule.id }, { ...changes, updatedAt: this.clock.now() });
  }

  /** Threshold rules whose payment failed: once the backoff has passed and the balance is still low, try again. */
  async retryFailed(balanceOf: (accountId: string) => Promise<number | null>): Promise<number> {
    const now = this.clock.now();
    const waiting = await this.rules
      .createQueryBuilder('r')
      .where('r.trigger_kind = :trigger AND r.enabled = :enabled AND r.armed = :armed', { trigger: 'BELOW_THRESHOLD', enabled: true, armed: true })
      .andWhere('r.paused_reason IS NULL')
      .andWhere('r.consecutive_failures > 0 AND r.retry_after <= :now', { now })
      .getMany();
    let fired = 0;
    for (const rule of waiting) {
      try {
        const balance = await balanceOf(rule.accountId);
        if (balance === null) continue;
        const order = await this.onBalanceBelowThreshold(rule.accountId, balance, `retry-${rule.consecutiveFailures}`);
        if (order) fired += 1;
      } catch (error) {
        await this.handleRuleFailure(rule, error);
      }
    }
    return fired;
  }

  /** The provider is called by the outbox relay after this transaction commits, never under the rule's lock. */
  private async enqueueCharge(manager: EntityManager, order: TopUpOrderEntity): Promise<void> {
    await enqueueOutboxMessage(manager, this.clock, { topic: CHARGE_TOPIC, dedupeKey: `charge:${order.id}`, payload: { orderId: order.id } });
  }

  private lockRule(manager: EntityManager, accountId: string): Promise<AutoTopUpRuleEntity | null> {
    return this.transactions
      .forUpdate(manager.getRepository(AutoTopUpRuleEntity).createQueryBuilder('r'))
      .where('r.account_id = :accountId', { accountId })
      .getOne();
  }

  async requireRule(accountId: string): Promise<AutoTopUpRuleEntity> {
    const rule = await this.rules.findOneBy({ accountId });
    if (!rule) throw notFound('Automatic top-up rule for account', accountId);
    return rule;
  }
}
