import type { OrderPaymentMethod, TopUpOrderEntity } from '../entities/top-up-order.entity';

export interface CheckoutRequest {
  order: TopUpOrderEntity;
  /** The brand's methods for the order's channel; the provider's page offers only these. */
  methods: OrderPaymentMethod[];
  /** Where the provider sends the customer back. */
  successUrl: string;
  cancelUrl: string;
}

export interface Checkout {
  sessionId: string;
  url: string;
}

export interface SavedMethodSetupRequest {
  accountId: string;
  /** The provider's customer for this account, when one exists already. */
  customerId: string | null;
  successUrl: string;
  cancelUrl: string;
  /** Our reference, echoed back in the METHOD_SAVED event. */
  setupReference: string;
}

export interface SavedMethod {
  customerId: string;
  paymentMethodId: string;
  method: OrderPaymentMethod | null;
  /** Same card, same fingerprint: what a chargeback block applies to. */
  fingerprint: string | null;
  label: string;
}

export type StoredChargeOutcome =
  | { outcome: 'SUCCEEDED'; paymentId: string }
  | { outcome: 'PROCESSING'; paymentId: string }
  | { outcome: 'DECLINED'; paymentId: string | null; code: string; needsCustomer: boolean; message: string };

export interface RefundOutcome {
  refundId: string;
  status: 'SUCCEEDED' | 'PENDING' | 'FAILED';
}

/** What a verified webhook event means for us; the provider's own event types stay inside its adapter. */
export type ProviderEvent = { eventId: string; created: Date } & (
  | { kind: 'PAYMENT_SUCCEEDED'; orderId: string; amountCents: number; currency: string; paymentId: string; method: OrderPaymentMethod | null; fingerprint: string | null }
  | { kind: 'PAYMENT_PROCESSING'; orderId: string; paymentId: string | null }
  | { kind: 'PAYMENT_FAILED'; orderId: string; reason: string; needsCustomer: boolean }
  | { kind: 'CHECKOUT_EXPIRED'; orderId: string }
  | { kind: 'REFUND_UPDATED'; orderId: string | null; paymentId: string | null; refundId: string; amountCents: number; status: RefundOutcome['status'] }
  | { kind: 'DISPUTE_OPENED'; paymentId: string; disputeId: string; amountCents: number; reason: string }
  | { kind: 'DISPUTE_CLOSED'; paymentId: string; disputeId: string; won: boolean }
  | { kind: 'METHOD_SAVED'; setupReference: string; accountId: string; setupId: string }
  | { kind: 'IGNORED'; type: string }
);

/**
 * A payment service provider. Every call carries an idempotency key derived from our own ids, so a
 * retry after a crash or a timeout never creates a second session, charge or refund; callers make
 * these calls outside database transactions. Outcomes also arrive as signed webhooks.
 */
export interface PaymentProviderPort {
  /** The hosted checkout of a pending order (amount confirmed on the provider's page); one per order. */
  createCheckout(request: CheckoutRequest): Promise<Checkout>;
  /** Closes a checkout that may no longer be paid (order expired or canceled). */
  expireCheckout(sessionId: string): Promise<void>;
  /** A checkout in setup mode: the customer saves a method and consents to later automatic charges. */
  createMethodSetup(request: SavedMethodSetupRequest): Promise<Checkout>;
  /** What the customer saved in a completed setup. */
  savedMethod(setupId: string): Promise<SavedMethod>;
  /** Charges a saved method without the customer present (automatic top-up). */
  chargeSavedMethod(order: TopUpOrderEntity, saved: { customerId: string; paymentMethodId: string }): Promise<StoredChargeOutcome>;
  /** Refunds an order's payment in full, once. */
  refund(order: TopUpOrderEntity, reason: string): Promise<RefundOutcome>;
  /** Verifies the signature (raw body, tolerance) and translates the event; throws on a bad signature. */
  parseWebhook(rawBody: Buffer, signature: string | undefined, receivedAt: Date): ProviderEvent;
}

export class WebhookSignatureError extends Error {
  constructor(reason: string) {
    super(`webhook signature ${reason}`);
    this.name = 'WebhookSignatureError';
  }
}
