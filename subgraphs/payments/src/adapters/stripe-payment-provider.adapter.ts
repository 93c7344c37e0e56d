import Stripe from 'stripe';
import type { OrderPaymentMethod, TopUpOrderEntity } from '../entities/top-up-order.entity';
import { WebhookSignatureError } from '../ports/payment-provider.port';
import type {
  Checkout,
  CheckoutRequest,
  PaymentProviderPort,
  ProviderEvent,
  RefundOutcome,
  SavedMethod,
  SavedMethodSetupRequest,
  StoredChargeOutcome,
} from '../ports/payment-provider.port';

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** Another API host (the local fake): http(s)://host:port. Null: Stripe itself. */
  apiUrl: string | null;
  timeoutMs: number;
  webhookToleranceSeconds: number;
}

/** Stripe Checkout's names for the methods a brand offers; Stripe retired Sofort in favour of Klarna's "Pay now". */
const CHECKOUT_METHOD: Record<OrderPaymentMethod, string | null> = {
  VISA: 'card',
  MASTERCARD: 'card',
  PAYPAL: 'paypal',
  SOFORTUEBERWEISUNG: 'klarna',
  SEPA_DIRECT_DEBIT: 'sepa_debit',
  VOUCHER: null,
};

const CARD_BRANDS: Record<string, OrderPaymentMethod> = { visa: 'VISA', mastercard: 'MASTERCARD' };

/**
 * Declines only the customer can resolve (authenticate, use another card): the rule pauses. Soft
 * declines (insufficient_funds, processing_error, try_again_later) are tried again after a backoff.
 */
const CUSTOMER_ACTION_CODES = new Set(['authentication_required', 'card_declined', 'expired_card', 'incorrect_cvc', 'card_not_supported', 'no_saved_method', 'payment_method_blocked']);

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

function methodOfCharge(details: Stripe.Charge.PaymentMethodDetails | null | undefined): { method: OrderPaymentMethod | null; fingerprint: string | null } {
  if (!details) return { method: null, fingerprint: null };
  if (details.type === 'card' && details.card) {
    return { method: CARD_BRANDS[details.card.brand ?? ''] ?? null, fingerprint: details.card.fingerprint ?? null };
  }
  if (details.type === 'paypal') return { method: 'PAYPAL', fingerprint: details.paypal?.payer_id ? `paypal:${details.paypal.payer_id}` : null };
  if (details.type === 'klarna') return { method: 'SOFORTUEBERWEISUNG', fingerprint: null };
  if (details.type === 'sepa_debit') return { method: 'SEPA_DIRECT_DEBIT', fingerprint: details.sepa_debit?.fingerprint ?? null };
  return { method: null, fingerprint: null };
}

/**
 * Stripe through its official SDK: Checkout Sessions are the payment links, saved methods come from
 * Checkout in setup mode, automatic top-ups are off-session PaymentIntents, and webhooks are verified
 * with the SDK (Stripe-Signature over the raw body, with a tolerance). Every call names an
 * idempotency key made of our own ids, so Stripe answers a repeated call with the first result.
 */
export class StripePaymentProvider implements PaymentProviderPort {
  private readonly stripe: Stripe;

  constructor(private readonly settings: StripeSettings) {
    const target = settings.apiUrl ? new URL(settings.apiUrl) : null;
    this.stripe = new Stripe(settings.secretKey, {
      timeout: settings.timeoutMs,
      // Retries reuse our idempotency key, so a lost answer never makes a second object.
      maxNetworkRetries: 1,
      telemetry: false,
      appInfo: { name: 'guthaben' },
      ...(target
        ? { host: target.hostname, port: Number(target.port || (target.protocol === 'https:' ? 443 : 80)), protocol: target.protocol === 'https:' ? 'https' : 'http' }
        : {}),
    });
  }

  async createCheckout(request: CheckoutRequest): Promise<Checkout> {
    const { order } = request;
    const methods = [...new Set(request.methods.map((method) => CHECKOUT_METHOD[method]).filter((method): method is string => method !== null))];
    const metadata = { order_id: order.id, account_id: order.accountId, brand: order.brandCode };
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        client_reference_id: order.id,
        metadata,
        payment_intent_data: { metadata, description: `Guthaben-Aufladung ${order.brandCode}` },
        line_items: [
          {
            quantity: 1,
            price_data: { currency: 'eur', unit_amount: order.amountCents, product_data: { name: 'Prepaid-Guthaben' } },
          },
        ],
        allowed_payment_method_types: methods as Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType[],
        locale: 'de',
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
      },
      { idempotencyKey: `checkout:${order.id}` },
    );
    if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
    return { sessionId: session.id, url: session.url };
  }

  async expireCheckout(sessionId: string): Promise<void> {
    try {
      await this.stripe.checkout.sessions.expire(sessionId, {}, { idempotencyKey: `expire:${sessionId}` });
    } catch (error) {
      // Already completed or expired: nothing left to close.
      if (error instanceof Stripe.errors.StripeInvalidRequestError) return;
      throw error;
    }
  }

  async createMethodSetup(request: SavedMethodSetupRequest): Promise<Checkout> {
    const customerId =
      request.customerId ??
      (
        await this.stripe.customers.create(
          { metadata: { account_id: request.accountId } },
          { idempotencyKey: `customer:${request.setupReference}` },
        )
      ).id;
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: 'setup',
        currency: 'eur',
        customer: customerId,
        allowed_payment_method_types: ['card'],
        metadata: { setup_reference: request.setupReference, account_id: request.accountId },
        setup_intent_data: { metadata: { setup_reference: request.setupReference, account_id: request.accountId } },
        locale: 'de',
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
      },
      { idempotencyKey: `setup:${request.setupReference}` },
    );
    if (!session.url) throw new Error(`Stripe returned setup session ${session.id} without a URL`);
    return { sessionId: session.id, url: session.url };
  }

  async savedMethod(setupId: string): Promise<SavedMethod> {
    const setup = await this.stripe.setupIntents.retrieve(setupId);
    const paymentMethodId = idOf(setup.payment_method);
    const customerId = idOf(setup.customer);
    if (!paymentMethodId || !customerId) throw new Error(`setup ${setupId} has no saved payment method`);
    const paymentMethod = await this.stripe.paymentMethods.retrieve(paymentMethodId);
    const card = paymentMethod.card;
    const method = card ? (CARD_BRANDS[card.brand] ?? null) : paymentMethod.type === 'paypal' ? 'PAYPAL' : null;
    const label = card ? `${card.brand === 'mastercard' ? 'Mastercard' : card.brand === 'visa' ? 'Visa' : card.brand} •••• ${card.last4}` : paymentMethod.type;
    return { customerId, paymentMethodId, method, fingerprint: card?.fingerprint ?? null, label: label.slice(0, 64) };
  }

  async chargeSavedMethod(order: TopUpOrderEntity, saved: { customerId: string; paymentMethodId: string }): Promise<StoredChargeOutcome> {
    const metadata = { order_id: order.id, account_id: order.accountId, brand: order.brandCode };
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: order.amountCents,
          currency: 'eur',
          customer: saved.customerId,
          payment_method: saved.paymentMethodId,
          off_session: true,
          confirm: true,
          metadata,
          description: `Automatische Guthaben-Aufladung ${order.brandCode}`,
        },
        { idempotencyKey: `charge:${order.id}` },
      );
      if (intent.status === 'succeeded') return { outcome: 'SUCCEEDED', paymentId: intent.id };
      if (intent.status === 'processing') return { outcome: 'PROCESSING', paymentId: intent.id };
      return { outcome: 'DECLINED', paymentId: intent.id, code: intent.status, needsCustomer: true, message: `payment ${intent.status}` };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        const code = error.code ?? 'card_declined';
        return {
          outcome: 'DECLINED',
          paymentId: idOf((error.raw as { payment_intent?: { id: string } }).payment_intent) ?? null,
          code,
          needsCustomer: CUSTOMER_ACTION_CODES.has(code),
          message: error.message.slice(0, 200),
        };
      }
      throw error;
    }
  }

  async refund(order: TopUpOrderEntity, reason: string): Promise<RefundOutcome> {
    if (!order.providerPaymentId) throw new Error(`order ${order.id} has no provider payment to refund`);
    const refund = await this.stripe.refunds.create(
      { payment_intent: order.providerPaymentId, reason: 'requested_by_customer', metadata: { order_id: order.id, why: reason.slice(0, 450) } },
      { idempotencyKey: `refund:${order.id}` },
    );
    return { refundId: refund.id, status: refundStatus(refund.status) };
  }

  parseWebhook(rawBody: Buffer, signature: string | undefined, receivedAt: Date): ProviderEvent {
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        signature ?? '',
        this.settings.webhookSecret,
        this.settings.webhookToleranceSeconds,
        undefined,
        // The SDK takes the receiving time in milliseconds (our clock, so tests can move it).
        receivedAt.getTime(),
      );
    } catch (error) {
      throw new WebhookSignatureError(error instanceof Error ? error.message.split('\n')[0]!.slice(0, 120) : 'invalid');
    }
    return translate(event);
  }
}

function refundStatus(status: string | null): RefundOutcome['status'] {
  if (status === 'succeeded') return 'SUCCEEDED';
  if (status === 'failed' || status === 'canceled') return 'FAILED';
  return 'PENDING';
}

/** Stripe's event types mapped to what they mean for an order; anything else is acknowledged and ignored. */
function translate(event: Stripe.Event): ProviderEvent {
  const base = { eventId: event.id, created: new Date(event.created * 1000) };
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = event.data.object;
      if (session.mode === 'setup') {
        const setupId = idOf(session.setup_intent);
        const setupReference = session.metadata?.setup_reference;
        if (!setupId || !setupReference) return { ...base, kind: 'IGNORED', type: event.type };
        return { ...base, kind: 'METHOD_SAVED', setupReference, accountId: session.metadata?.account_id ?? '', setupId };
      }
      const orderId = session.metadata?.order_id ?? session.client_reference_id;
      if (!orderId) return { ...base, kind: 'IGNORED', type: event.type };
      if (session.payment_status !== 'paid') return { ...base, kind: 'PAYMENT_PROCESSING', orderId, paymentId: idOf(session.payment_intent) };
      return {
        ...base,
        kind: 'PAYMENT_SUCCEEDED',
        orderId,
        amountCents: session.amount_total ?? -1,
        currency: session.currency ?? '',
        paymentId: idOf(session.payment_intent) ?? session.id,
        method: null,
        fingerprint: null,
      };
    }
    case 'checkout.session.async_payment_failed': {
      const orderId = event.data.object.metadata?.order_id;
      return orderId ? { ...base, kind: 'PAYMENT_FAILED', orderId, reason: 'Zahlung nicht bestätigt', needsCustomer: false } : { ...base, kind: 'IGNORED', type: event.type };
    }
    case 'checkout.session.expired': {
      const orderId = event.data.object.metadata?.order_id;
      return orderId ? { ...base, kind: 'CHECKOUT_EXPIRED', orderId } : { ...base, kind: 'IGNORED', type: event.type };
    }
    case 'payment_intent.succeeded': {
      const intent = event.data.object;
      const orderId = intent.metadata?.order_id;
      if (!orderId) return { ...base, kind: 'IGNORED', type: event.type };
      return { ...base, kind: 'PAYMENT_SUCCEEDED', orderId, amountCents: intent.amount_received || intent.amount, currency: intent.currency, paymentId: intent.id, method: null, fingerprint: null };
    }
    case 'payment_intent.payment_failed': {
      const intent = event.data.object;
      const orderId = intent.metadata?.order_id;
      if (!orderId) return { ...base, kind: 'IGNORED', type: event.type };
      const code = intent.last_payment_error?.code ?? 'payment_failed';
      return { ...base, kind: 'PAYMENT_FAILED', orderId, reason: code, needsCustomer: CUSTOMER_ACTION_CODES.has(code) };
    }
    case 'charge.refunded':
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed': {
      const object = event.data.object as Stripe.Refund | Stripe.Charge;
      if (object.object === 'charge') {
        const charge = object as Stripe.Charge;
        const refund = charge.refunds?.data?.[0];
        return {
          ...base,
          kind: 'REFUND_UPDATED',
          orderId: charge.metadata?.order_id ?? null,
          paymentId: idOf(charge.payment_intent),
          refundId: refund?.id ?? `charge:${charge.id}`,
          amountCents: charge.amount_refunded,
          status: charge.refunded ? 'SUCCEEDED' : 'PENDING',
        };
      }
      const refund = object as Stripe.Refund;
      return {
        ...base,
        kind: 'REFUND_UPDATED',
        orderId: refund.metadata?.order_id ?? null,
        paymentId: idOf(refund.payment_intent),
        refundId: refund.id,
        amountCents: refund.amount,
        status: refundStatus(refund.status),
      };
    }
    case 'charge.succeeded': {
      // Which card or account paid: recorded for display and for blocking it after a chargeback.
      const charge = event.data.object;
      const orderId = charge.metadata?.order_id;
      const paymentId = idOf(charge.payment_intent);
      if (!orderId || !paymentId) return { ...base, kind: 'IGNORED', type: event.type };
      const { method, fingerprint } = methodOfCharge(charge.payment_method_details);
      return { ...base, kind: 'PAYMENT_SUCCEEDED', orderId, amountCents: charge.amount, currency: charge.currency, paymentId, method, fingerprint };
    }
    case 'charge.dispute.created': {
      const dispute = event.data.object;
      const paymentId = idOf(dispute.payment_intent);
      if (!paymentId) return { ...base, kind: 'IGNORED', type: event.type };
      return { ...base, kind: 'DISPUTE_OPENED', paymentId, disputeId: dispute.id, amountCents: dispute.amount, reason: dispute.reason ?? 'unknown' };
    }
    case 'charge.dispute.closed': {
      const dispute = event.data.object;
      const paymentId = idOf(dispute.payment_intent);
      if (!paymentId) return { ...base, kind: 'IGNORED', type: event.type };
      return { ...base, kind: 'DISPUTE_CLOSED', paymentId, disputeId: dispute.id, won: dispute.status === 'won' };
    }
    default:
      return { ...base, kind: 'IGNORED', type: event.type };
  }
}
