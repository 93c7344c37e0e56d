import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../../../common/src/clock';
import type { Logger } from '../../../common/src/logger';
import { enqueueOutboxMessage } from '../../../common/src/outbox/outbox.service';
import type { TransactionRunner } from '../../../common/src/transaction';
import { PaymentDisputeEntity } from '../entities/payment-dispute.entity';
import { PaymentEventEntity } from '../entities/payment-event.entity';
import { TopUpOrderEntity } from '../entities/top-up-order.entity';
import { WebhookSignatureError } from '../ports/payment-provider.port';
import type { PaymentProviderPort, ProviderEvent } from '../ports/payment-provider.port';
import type { AutoTopUpService } from './auto-top-up.service';
import type { DisputeService } from './dispute.service';
import type { TopUpService } from './top-up.service';

export const PAYMENT_WEBHOOK_PATH = '/webhooks/stripe';
export const STRIPE_SIGNATURE_HEADER = 'stripe-signature';
export const CHARGEBACK_TOPIC = 'ledger.chargeback';
export const METHOD_SAVED_TOPIC = 'provider.method-saved';

export interface WebhookAnswer {
  status: number;
  body: { received: boolean; outcome: string };
}

type Manager = EntityManager;
type Event<K extends ProviderEvent['kind']> = Extract<ProviderEvent, { kind: K }>;

/**
 * The provider's webhook: the only way an order becomes PAID. The SDK verifies the signature over
 * the raw body; each event id is applied once; the order row is locked while an event is applied,
 * so duplicates, concurrent deliveries and events out of order never credit twice, and a refund or
 * failure seen before the success leaves the order where the money is.
 */
export class PaymentWebhookService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly topUps: TopUpService,
    private readonly autoTopUps: AutoTopUpService,
    private readonly disputes: DisputeService,
    private readonly provider: PaymentProviderPort,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async receive(rawBody: Buffer, signatureHeader: string | undefined): Promise<WebhookAnswer> {
    let event: ProviderEvent;
    try {
      event = this.provider.parseWebhook(rawBody, signatureHeader, this.clock.now());
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) throw error;
      this.logger.warn({ reason: error.message }, 'payment webhook refused');
      return { status: 400, body: { received: false, outcome: 'INVALID_SIGNATURE' } };
    }
    if (event.kind === 'IGNORED') return { status: 200, body: { received: true, outcome: `IGNORED_${event.type}`.slice(0, 120) } };
    const outcome = await this.applyOnce(event);
    this.logger.info({ eventId: event.eventId, kind: event.kind, outcome }, 'payment webhook processed');
    return { status: 200, body: { received: true, outcome } };
  }

  /** Applies an outcome we learnt from the provider's answer (e.g. an off-session charge) like a webhook event. */
  async applyOnce(event: Exclude<ProviderEvent, { kind: 'IGNORED' }>): Promise<string> {
    return this.transactions.run(async (manager) => {
      const order = await this.lockOrder(manager, event);
      const events = manager.getRepository(PaymentEventEntity);
      if (await events.existsBy({ eventId: event.eventId })) return 'DUPLICATE';
      const outcome = order ? await this.apply(manager, order, event) : event.kind === 'METHOD_SAVED' ? await this.methodSaved(manager, event) : 'UNKNOWN_ORDER';
      await events.insert({
        eventId: event.eventId.slice(0, 64),
        orderId: (order?.id ?? ('setupReference' in event ? event.setupReference : '')).slice(0, 36),
        type: event.kind.slice(0, 32),
        outcome: outcome.slice(0, 120),
        receivedAt: this.clock.now(),
      });
      return outcome;
    });
  }

  private async lockOrder(manager: Manager, event: ProviderEvent): Promise<TopUpOrderEntity | null> {
    const query = this.transactions.forUpdate(manager.getRepository(TopUpOrderEntity).createQueryBuilder('o'));
    if ('orderId' in event && event.orderId) return query.where('o.id = :id', { id: event.orderId }).getOne();
    if ('paymentId' in event && event.paymentId) return query.where('o.provider_payment_id = :payment', { payment: event.paymentId }).getOne();
    return null;
  }

  private async apply(manager: Manager, order: TopUpOrderEntity, event: Exclude<ProviderEvent, { kind: 'IGNORED' }>): Promise<string> {
    switch (event.kind) {
      case 'PAYMENT_SUCCEEDED':
        return this.succeeded(manager, order, event);
      case 'PAYMENT_PROCESSING':
        if (event.paymentId && !order.providerPaymentId) {
          await manager.getRepository(TopUpOrderEntity).update({ id: order.id }, { providerPaymentId: event.paymentId, updatedAt: this.clock.now() });
        }
        return 'PROCESSING';
      case 'PAYMENT_FAILED':
        return this.failed(manager, order, event);
      case 'CHECKOUT_EXPIRED': {
        if (order.status !== 'PENDING') return `IGNORED_${order.status}`;
        const now = this.clock.now();
        await manager.getRepository(TopUpOrderEntity).update({ id: order.id, status: 'PENDING' }, { status: 'EXPIRED', expiredAt: now, updatedAt: now });
        return 'APPLIED_EXPIRED';
      }
      case 'REFUND_UPDATED':
        return this.refundUpdated(manager, order, event);
      case 'DISPUTE_OPENED':
        return this.disputeOpened(manager, order, event);
      case 'DISPUTE_CLOSED':
        return this.disputeClosed(manager, order, event);
      case 'METHOD_SAVED':
        return this.methodSaved(manager, event);
    }
  }

  private async succeeded(manager: Manager, order: TopUpOrderEntity, event: Event<'PAYMENT_SUCCEEDED'>): Promise<string> {
    const orders = manager.getRepository(TopUpOrderEntity);
    const now = this.clock.now();
    const details = {
      ...(event.method && !order.paymentMethod ? { paymentMethod: event.method } : {}),
      ...(event.fingerprint && !order.paymentFingerprint ? { paymentFingerprint: event.fingerprint } : {}),
    };
    if (order.status === 'PAID' || order.status === 'CREDITED' || order.status === 'REFUND_PENDING' || order.status === 'REFUNDED') {
      if (Object.keys(details).length > 0) await orders.update({ id: order.id }, { ...details, updatedAt: now });
      return 'IGNORED_ALREADY_PAID';
    }
    const paid = {
      providerPaymentId: event.paymentId,
      paymentMethod: event.method ?? order.paymentMethod,
      paymentFingerprint: event.fingerprint ?? order.paymentFingerprint,
      paidAt: now,
      failureReason: null,
      updatedAt: now,
    };
    // A refund the provider reported before this success: the money is back with the customer already.
    if (order.providerRefundId) {
      await orders.update({ id: order.id }, { ...paid, status: 'REFUNDED', refundedAt: order.refundedAt ?? now, refundReason: order.refundReason ?? 'refunded at the provider before the payment was reported' });
      return 'APPLIED_ALREADY_REFUNDED';
    }
    await orders.update({ id: order.id }, { ...paid, status: 'PAID' });
    const paidOrder: TopUpOrderEntity = { ...order, ...paid, status: 'PAID' };
    // Money the provider took becomes credit even after the order expired or failed, unless a rule
    // of section 11 says no: then it goes back, in full, instead.
    const refusal = await this.refusalForPaidOrder(manager, paidOrder, event.amountCents, event.currency, order.status === 'PENDING');
    if (refusal) {
      await this.topUps.requestRefund(manager, paidOrder, refusal);
      return 'APPLIED_PAID_REFUNDING';
    }
    await this.topUps.enqueueCredit(manager, paidOrder);
    return 'APPLIED_PAID';
  }

  /**
   * Section 11 at the webhook, for what payments owns: the amount paid, a blocked method and the
   * day's sum. The contract and the balance are the ledger's: it refuses the credit under the
   * account's lock, and the money is refunded just the same.
   */
  private async refusalForPaidOrder(manager: Manager, order: TopUpOrderEntity, amountCents: number, currency: string, wasPending: boolean): Promise<string | null> {
    if (amountCents !== order.amountCents || currency.toLowerCase() !== 'eur') return `paid ${amountCents} ${currency}, ordered ${order.amountCents} eur`;
    if (order.paymentFingerprint && (await this.disputes.isBlocked(order.accountId, order.paymentFingerprint, manager))) return 'payment method blocked after a chargeback';
    // A pending order was counted in the day's sum of every order created after it, so together
    // they fit; only a late payment of an expired, failed or canceled order can pass the day's limit.
    if (order.channel === 'AUTOMATIC' || wasPending) return null;
    const refusal = await this.topUps.limitRefusal(order.accountId, order.brandCode, null, amountCents, { includePending: true, excludingOrderId: order.id, manager });
    return refusal ? `LIMIT_EXCEEDED: ${refusal.limit}` : null;
  }

  private async failed(manager: Manager, order: TopUpOrderEntity, event: Event<'PAYMENT_FAILED'>): Promise<string> {
    if (order.status !== 'PENDING') return `IGNORED_${order.status}`;
    const now = this.clock.now();
    await manager
      .getRepository(TopUpOrderEntity)
      .update({ id: order.id, status: 'PENDING' }, { status: 'FAILED', failedAt: now, failureReason: event.reason.slice(0, 255), updatedAt: now });
    if (order.autoTopUpRuleId) await this.autoTopUps.recordFailure(manager, order, event.needsCustomer ? event.reason : null);
    return 'APPLIED_FAILED';
  }

  private async refundUpdated(manager: Manager, order: TopUpOrderEntity, event: Event<'REFUND_UPDATED'>): Promise<string> {
    const orders = manager.getRepository(TopUpOrderEntity);
    const now = this.clock.now();
    if (event.status === 'FAILED') {
      this.logger.error({ orderId: order.id, refundId: event.refundId }, 'the provider could not refund a payment: an operator must act');
      if (order.status === 'REFUND_PENDING') await orders.update({ id: order.id }, { failureReason: 'refund failed at the provider', updatedAt: now });
      return 'REFUND_FAILED';
    }
    if (event.status !== 'SUCCEEDED') return 'REFUND_PENDING';
    if (order.status === 'REFUND_PENDING') {
      await this.topUps.markRefunded(manager, order.id, event.refundId);
      return 'APPLIED_REFUNDED';
    }
    if (order.status === 'PENDING' || order.status === 'FAILED' || order.status === 'EXPIRED' || order.status === 'CANCELED') {
      // Before the success event: remember it, so the success does not credit money that went back.
      await orders.update({ id: order.id }, { providerRefundId: event.refundId, refundedAt: now, updatedAt: now });
      return 'RECORDED_REFUND_BEFORE_PAYMENT';
    }
    if (order.status === 'REFUNDED') return 'IGNORED_REFUNDED';
    // PAID or CREDITED refunded outside our flow (e.g. in the provider's dashboard): the credit must be taken back.
    this.logger.error({ orderId: order.id, status: order.status }, 'payment refunded at the provider without a refund request: taking the credit back');
    await this.openRecovery(manager, order, `refund:${event.refundId}`, event.amountCents, 'REFUNDED_AT_PROVIDER', null);
    return 'APPLIED_EXTERNAL_REFUND';
  }

  private async disputeOpened(manager: Manager, order: TopUpOrderEntity, event: Event<'DISPUTE_OPENED'>): Promise<string> {
    const opened = await this.openRecovery(manager, order, event.disputeId, event.amountCents, event.reason, order.paymentFingerprint);
    if (opened) await this.autoTopUps.pauseForAccount(manager, order.accountId, 'chargeback');
    return opened ? 'APPLIED_DISPUTE_OPENED' : 'DUPLICATE_DISPUTE';
  }

  /** Records the dispute and asks the ledger (through the outbox) to take back what credit is left. */
  private async openRecovery(manager: Manager, order: TopUpOrderEntity, providerId: string, amountCents: number, reason: string, fingerprint: string | null): Promise<boolean> {
    const disputes = manager.getRepository(PaymentDisputeEntity);
    if (await disputes.existsBy({ providerDisputeId: providerId })) return false;
    const dispute: PaymentDisputeEntity = {
      id: randomUUID(),
      providerDisputeId: providerId.slice(0, 255),
      orderId: order.id,
      accountId: order.accountId,
      brandCode: order.brandCode,
      amountCents,
      recoveredCents: 0,
      owedCents: order.status === 'CREDITED' ? amountCents : 0,
      status: 'OPEN',
      reason: reason.slice(0, 64),
      paymentMethod: order.paymentMethod,
      paymentFingerprint: fingerprint,
      openedAt: this.clock.now(),
      closedAt: null,
    };
    await disputes.insert(dispute);
    if (order.status === 'CREDITED') {
      await enqueueOutboxMessage(manager, this.clock, { topic: CHARGEBACK_TOPIC, dedupeKey: `chargeback:${dispute.id}`, payload: { disputeId: dispute.id } });
    }
    return true;
  }

  private async disputeClosed(manager: Manager, _order: TopUpOrderEntity, event: Event<'DISPUTE_CLOSED'>): Promise<string> {
    const disputes = manager.getRepository(PaymentDisputeEntity);
    const dispute = await disputes.findOneBy({ providerDisputeId: event.disputeId });
    if (!dispute || dispute.status !== 'OPEN') return 'IGNORED_DISPUTE';
    await disputes.update({ id: dispute.id }, { status: event.won ? 'WON' : 'LOST', closedAt: this.clock.now(), ...(event.won ? { owedCents: 0 } : {}) });
    if (event.won && dispute.recoveredCents > 0) {
      // The merchant kept the money after all: what was taken back is the customer's credit again.
      await enqueueOutboxMessage(manager, this.clock, { topic: CHARGEBACK_TOPIC, dedupeKey: `chargeback-won:${dispute.id}`, payload: { disputeId: dispute.id, won: true } });
    }
    return event.won ? 'APPLIED_DISPUTE_WON' : 'APPLIED_DISPUTE_LOST';
  }

  private async methodSaved(manager: Manager, event: Event<'METHOD_SAVED'>): Promise<string> {
    // Reading the saved method is a call to the provider: it runs from the outbox, not under this transaction.
    await enqueueOutboxMessage(manager, this.clock, {
      topic: METHOD_SAVED_TOPIC,
      dedupeKey: `method-saved:${event.setupReference}`,
      payload: { setupReference: event.setupReference, setupId: event.setupId },
    });
    return 'APPLIED_METHOD_SAVED';
  }
}
