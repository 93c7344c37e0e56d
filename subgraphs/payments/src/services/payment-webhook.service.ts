import type { Clock } from '../../../common/src/clock';
import { verifyTimestampedPayload } from '../../../common/src/hmac';
import type { Logger } from '../../../common/src/logger';
import type { TransactionRunner } from '../../../common/src/transaction';
import { PaymentEventEntity } from '../entities/payment-event.entity';
import { PAYMENT_METHODS, TopUpOrderEntity } from '../entities/top-up-order.entity';
import type { OrderPaymentMethod } from '../entities/top-up-order.entity';
import type { AutoTopUpService } from './auto-top-up.service';
import type { TopUpService } from './top-up.service';

export const PAYMENT_SIGNATURE_HEADER = 'x-payment-signature';

export interface PaymentEvent {
  id: string;
  type: 'payment.succeeded' | 'payment.failed';
  orderId: string;
  amountCents: number;
  method: OrderPaymentMethod | null;
  reason?: string;
}

export interface WebhookAnswer {
  status: number;
  body: { received: boolean; outcome: string };
}

function parseEvent(raw: string): PaymentEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const event = value as Partial<PaymentEvent>;
  if (
    typeof event.id !== 'string' ||
    !/^[\w.-]{8,64}$/.test(event.id) ||
    (event.type !== 'payment.succeeded' && event.type !== 'payment.failed') ||
    typeof event.orderId !== 'string' ||
    !Number.isSafeInteger(event.amountCents) ||
    (event.method != null && !PAYMENT_METHODS.includes(event.method))
  ) {
    return null;
  }
  return { ...event, method: event.method ?? null } as PaymentEvent;
}

/**
 * The provider's webhook. It is the only way an order becomes PAID: the signature (HMAC-SHA256 over
 * timestamp and body) must be valid and fresh, each event id is applied once, and the order row is
 * locked while an event is applied, so duplicates, concurrent deliveries and late failures after a
 * success never credit twice or undo a payment.
 */
export class PaymentWebhookService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly topUps: TopUpService,
    private readonly autoTopUps: AutoTopUpService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly secret: string,
    private readonly toleranceSeconds: number,
  ) {}

  async receive(rawBody: Buffer, signatureHeader: string | undefined): Promise<WebhookAnswer> {
    const check = verifyTimestampedPayload(
      this.secret,
      signatureHeader,
      rawBody,
      Math.floor(this.clock.now().getTime() / 1000),
      this.toleranceSeconds,
    );
    if (!check.ok) {
      this.logger.warn({ reason: check.reason }, 'payment webhook refused');
      return { status: 401, body: { received: false, outcome: `signature ${check.reason}` } };
    }
    const event = parseEvent(rawBody.toString('utf8'));
    if (!event) return { status: 400, body: { received: false, outcome: 'malformed event' } };
    const outcome = await this.transactions.run(async (manager) => {
      const order = await this.transactions
        .forUpdate(manager.getRepository(TopUpOrderEntity).createQueryBuilder('o'))
        .where('o.id = :id', { id: event.orderId })
        .getOne();
      if (!order) return 'UNKNOWN_ORDER';
      const events = manager.getRepository(PaymentEventEntity);
      if (await events.existsBy({ eventId: event.id })) return 'DUPLICATE';
      const result = await this.apply(manager, order, event);
      await events.insert({ eventId: event.id, orderId: order.id, type: event.type, outcome: result, receivedAt: this.clock.now() });
      return result;
    });
    this.logger.info({ eventId: event.id, orderId: event.orderId, type: event.type, outcome }, 'payment webhook processed');
    if (outcome === 'UNKNOWN_ORDER') return { status: 404, body: { received: false, outcome } };
    if (outcome === 'IGNORED_AMOUNT_MISMATCH') return { status: 422, body: { received: false, outcome } };
    return { status: 200, body: { received: true, outcome } };
  }

  private async apply(manager: Parameters<Parameters<TransactionRunner['run']>[0]>[0], order: TopUpOrderEntity, event: PaymentEvent): Promise<string> {
    const orders = manager.getRepository(TopUpOrderEntity);
    const now = this.clock.now();
    if (event.type === 'payment.succeeded') {
      if (order.status === 'PAID' || order.status === 'CREDITED') return 'IGNORED_ALREADY_PAID';
      if (event.amountCents !== order.amountCents) return 'IGNORED_AMOUNT_MISMATCH';
      // Money the provider took becomes credit even when the order had expired or failed before.
      await orders.update(
        { id: order.id },
        { status: 'PAID', paidAt: now, paymentMethod: event.method ?? order.paymentMethod, failureReason: null, updatedAt: now },
      );
      await this.topUps.enqueueCredit(manager, order);
      return 'APPLIED_PAID';
    }
    if (order.status !== 'PENDING') return `IGNORED_${order.status}`;
    await orders.update(
      { id: order.id },
      { status: 'FAILED', failedAt: now, failureReason: (event.reason ?? 'payment failed').slice(0, 255), updatedAt: now },
    );
    if (order.autoTopUpRuleId) await this.autoTopUps.recordFailure(manager, order);
    return 'APPLIED_FAILED';
  }
}
