import { randomBytes } from 'node:crypto';

/**
 * The state and object rules of the local Stripe fake (stripe-fake.ts serves them over HTTP): the
 * objects payments reads, shaped and validated like Stripe's API reference describes them, and the
 * events each change causes. Nothing here does I/O; the server signs and delivers the events.
 */

export type StripeObject = Record<string, unknown> & { id: string; object: string };
/** An event a change causes, before the server signs it. */
export interface CausedEvent {
  type: string;
  object: Record<string, unknown>;
}
export interface Outcome {
  object: StripeObject;
  events: CausedEvent[];
}
export type SavedBehaviour = 'ok' | 'authentication_required' | 'card_declined' | 'insufficient_funds';
export type CheckoutMethod = 'card' | 'paypal' | 'klarna' | 'sepa_debit';
export type CardBrand = 'visa' | 'mastercard';
export interface CompleteOptions {
  method?: CheckoutMethod;
  cardBrand?: CardBrand;
  outcome?: 'paid' | 'async_pending' | 'declined';
}

/** An API error in Stripe's shape (`{ error: body }`), with what the failed request still did. */
export class FakeError extends Error {
  /** Events the failed request still causes (a declined PaymentIntent sends payment_failed). */
  events: CausedEvent[] = [];
  /** The object the failed request still created (a declined PaymentIntent exists), if any. */
  created: string | null = null;

  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? 'error'));
  }
}

export const invalid = (message: string, param?: string, code = 'parameter_invalid'): FakeError =>
  new FakeError(400, { type: 'invalid_request_error', code, message, ...(param ? { param } : {}) });
const missing = (kind: string, id: string): FakeError =>
  new FakeError(404, { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'`, param: 'id' });

export const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;

/** `a[b][0][c]=1` → { a: { b: [{ c: '1' }] } }, as Stripe reads the SDK's encoding. */
export function parseStripeForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const match = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(key);
    if (!match) continue;
    const path = [match[1]!, ...[...match[2]!.matchAll(/\[([^\]]*)\]/g)].map((part) => part[1]!)];
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((segment, index) => {
      const last = index === path.length - 1;
      const nextIsIndex = !last && /^\d*$/.test(path[index + 1]!);
      const slot = Array.isArray(node) ? (segment === '' ? node.length : Number(segment)) : segment;
      const container = node as Record<string | number, unknown>;
      if (last) {
        container[slot] = value;
        return;
      }
      container[slot] ??= nextIsIndex ? [] : {};
      node = container[slot] as Record<string, unknown> | unknown[];
    });
  }
  return root;
}

/** The payment method types the hosted page offers (Stripe knows more; the brands use these). */
export const CHECKOUT_METHOD_TYPES = ['card', 'paypal', 'klarna', 'sofort', 'sepa_debit'];

type Params = Record<string, unknown>;
const metadataOf = (value: unknown): Record<string, string> => (value as Record<string, string> | undefined) ?? {};
const copy = (object: StripeObject): Record<string, unknown> => JSON.parse(JSON.stringify(object)) as Record<string, unknown>;

export class StripeObjects {
  private readonly objects = new Map<string, StripeObject>();
  private readonly behaviours = new Map<string, SavedBehaviour>();

  constructor(
    private readonly now: () => Date,
    /** Where the hosted checkout pages live (the fake's own URL). */
    private readonly pageBase: () => string,
  ) {}

  seconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  find(id: string): StripeObject | undefined {
    return this.objects.get(id);
  }

  get(kind: string, id: string): StripeObject {
    const found = this.objects.get(id);
    if (!found || found.object !== kind) throw missing(kind, id);
    return kind === 'checkout.session' ? StripeObjects.publicSession(found) : found;
  }

  all(kind: string): StripeObject[] {
    return [...this.objects.values()].filter((object) => object.object === kind);
  }

  private put<T extends StripeObject>(object: T): T {
    this.objects.set(object.id, object);
    return object;
  }

  private session(id: string): StripeObject {
    const found = this.objects.get(id);
    if (!found || found.object !== 'checkout.session') throw missing('checkout.session', id);
    return found;
  }

  /** The session as Stripe shows it, without what the fake keeps for its completion. */
  private static publicSession(session: StripeObject): StripeObject {
    const { payment_intent_data_metadata: _pi, setup_intent_data_metadata: _si, ...rest } = session;
    return rest as StripeObject;
  }

  createCustomer(params: Params): StripeObject {
    return this.put({ id: newId('cus'), object: 'customer', email: params.email ?? null, metadata: metadataOf(params.metadata), created: this.seconds(), livemode: false });
  }

  /** A PaymentMethod of the given type; cards carry brand, last4 and fingerprint. */
  private createPaymentMethod(type: string, cardBrand: string, customer: string | null): StripeObject {
    const fingerprint = randomBytes(8).toString('hex');
    const details =
      type === 'card'
        ? { brand: cardBrand, last4: cardBrand === 'visa' ? '4242' : '4444', exp_month: 12, exp_year: 2030, fingerprint, country: 'DE', funding: 'credit' }
        : type === 'paypal'
          ? { payer_id: `PAYER${fingerprint.slice(0, 8).toUpperCase()}`, payer_email: 'kunde@example.de' }
          : type === 'sepa_debit'
            ? { bank_code: '37040044', country: 'DE', fingerprint, last4: '3000' }
            : {};
    return this.put({ id: newId('pm'), object: 'payment_method', type, [type]: details, customer, billing_details: { email: null, name: null }, created: this.seconds(), livemode: false, metadata: {} });
  }

  savePaymentMethod(customerId: string, opts: { brand?: CardBrand; behaviour?: SavedBehaviour } = {}): { id: string } {
    const method = this.createPaymentMethod('card', opts.brand ?? 'visa', customerId);
    this.behaviours.set(method.id, opts.behaviour ?? 'ok');
    return { id: method.id };
  }

  private createCharge(intent: StripeObject): StripeObject {
    const method = this.get('payment_method', String(intent.payment_method));
    return this.put({
      id: newId('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: 0,
      refunded: false,
      captured: true,
      paid: true,
      disputed: false,
      status: 'succeeded',
      currency: intent.currency,
      created: this.seconds(),
      livemode: false,
      customer: intent.customer ?? null,
      metadata: { ...metadataOf(intent.metadata) },
      payment_intent: intent.id,
      payment_method: method.id,
      // Stripe copies the method's type-named hash (card brand, fingerprint, ...) into the charge.
      payment_method_details: { type: method.type, [String(method.type)]: method[String(method.type)] },
      refunds: { object: 'list', data: [], has_more: false, url: '/v1/refunds' },
    });
  }

  createSession(params: Params): Outcome {
    const mode = String(params.mode ?? '');
    if (mode !== 'payment' && mode !== 'setup') throw invalid('Invalid mode: must be one of payment, setup, or subscription', 'mode');
    if (!params.success_url && params.ui_mode !== 'embedded') throw invalid('Missing required param: success_url.', 'success_url', 'parameter_missing');
    const methods = (params.allowed_payment_method_types ?? params.payment_method_types ?? ['card']) as string[];
    if (methods.some((type) => !CHECKOUT_METHOD_TYPES.includes(type))) {
      throw invalid(`Invalid payment_method_types[0]: must be one of ${CHECKOUT_METHOD_TYPES.join(', ')}`, 'payment_method_types');
    }
    if (params.customer_creation !== undefined && mode !== 'payment') throw invalid('customer_creation can only be used in payment mode.', 'customer_creation');
    if (params.customer !== undefined) this.get('customer', String(params.customer));
    const now = this.seconds();
    const expiresAt = params.expires_at === undefined ? now + 24 * 3600 : Number(params.expires_at);
    if (expiresAt < now + 30 * 60 - 5 || expiresAt > now + 24 * 3600 + 5) {
      throw invalid('The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.', 'expires_at');
    }
    let amountTotal: number | null = null;
    let currency = (params.currency as string | undefined) ?? null;
    if (mode === 'payment') {
      const items = (params.line_items ?? []) as { quantity?: string; price_data?: { currency?: string; unit_amount?: string } }[];
      if (items.length === 0) throw invalid('line_items is required in payment mode.', 'line_items', 'parameter_missing');
      amountTotal = 0;
      for (const item of items) {
        const unit = Number(item.price_data?.unit_amount);
        const quantity = Number(item.quantity ?? 1);
        if (!Number.isSafeInteger(unit) || unit < 1 || !Number.isSafeInteger(quantity) || quantity < 1) throw invalid('Invalid integer: unit_amount', 'line_items[0][price_data][unit_amount]');
        if (unit > 99_999_999) throw invalid('Amount must be no more than €999,999.99', 'line_items[0][price_data][unit_amount]', 'amount_too_large');
        amountTotal += unit * quantity;
        currency = item.price_data?.currency ?? currency;
      }
    } else if (!params.customer && !params.currency) {
      throw invalid('currency is required in setup mode without a customer.', 'currency', 'parameter_missing');
    }
    const id = newId(mode === 'payment' ? 'cs_test_a1' : 'cs_test_c1');
    const session = this.put({
      id,
      object: 'checkout.session',
      mode,
      status: 'open',
      payment_status: mode === 'setup' ? 'no_payment_required' : 'unpaid',
      url: `${this.pageBase()}/checkout/${id}`,
      amount_total: amountTotal,
      amount_subtotal: amountTotal,
      currency,
      customer: (params.customer as string | undefined) ?? null,
      client_reference_id: (params.client_reference_id as string | undefined) ?? null,
      metadata: metadataOf(params.metadata),
      payment_method_types: methods,
      allowed_payment_method_types: (params.allowed_payment_method_types as string[] | undefined) ?? null,
      customer_creation: (params.customer_creation as string | undefined) ?? null,
      customer_details: null,
      customer_email: (params.customer_email as string | undefined) ?? null,
      ui_mode: 'hosted',
      payment_link: null,
      payment_intent: null,
      setup_intent: null,
      success_url: params.success_url ?? null,
      cancel_url: params.cancel_url ?? null,
      locale: params.locale ?? null,
      expires_at: expiresAt,
      created: now,
      livemode: false,
      payment_intent_data_metadata: metadataOf((params.payment_intent_data as { metadata?: unknown } | undefined)?.metadata),
      setup_intent_data_metadata: metadataOf((params.setup_intent_data as { metadata?: unknown } | undefined)?.metadata),
    });
    return { object: StripeObjects.publicSession(session), events: [] };
  }

  expireSession(id: string): Outcome {
    const session = this.session(id);
    if (session.status !== 'open') {
      throw invalid(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${String(session.status)}".`, undefined, 'checkout_session_not_open');
    }
    session.status = 'expired';
    const shown = StripeObjects.publicSession(session);
    return { object: shown, events: [{ type: 'checkout.session.expired', object: shown }] };
  }

  /** Off-session PaymentIntent: confirmed with a saved method, the method's behaviour decides. */
  createIntent(params: Params): Outcome {
    const amount = Number(params.amount);
    if (!Number.isSafeInteger(amount) || amount < 50) throw invalid('Amount must be at least €0.50 eur', 'amount', 'amount_too_small');
    const customer = params.customer as string | undefined;
    const paymentMethod = params.payment_method as string | undefined;
    if (paymentMethod) {
      const method = this.get('payment_method', paymentMethod);
      if (customer && method.customer !== customer) throw invalid(`The payment method ${paymentMethod} does not belong to the customer ${customer}.`, 'payment_method');
    }
    const intent = this.put({
      id: newId('pi'),
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency: String(params.currency ?? 'eur'),
      customer: customer ?? null,
      payment_method: paymentMethod ?? null,
      metadata: metadataOf(params.metadata),
      description: params.description ?? null,
      status: 'requires_payment_method',
      created: this.seconds(),
      livemode: false,
      latest_charge: null,
      last_payment_error: null,
    });
    if (!(params.confirm === 'true' && paymentMethod)) return { object: intent, events: [] };
    const behaviour = this.behaviours.get(paymentMethod) ?? 'ok';
    if (behaviour !== 'ok') {
      const code = behaviour === 'authentication_required' ? 'authentication_required' : behaviour === 'insufficient_funds' ? 'insufficient_funds' : 'card_declined';
      const declineCode = behaviour === 'card_declined' ? 'generic_decline' : code;
      const message = behaviour === 'authentication_required' ? 'This payment requires authentication.' : 'Your card was declined.';
      Object.assign(intent, {
        status: behaviour === 'authentication_required' ? 'requires_action' : 'requires_payment_method',
        last_payment_error: { type: 'card_error', code, decline_code: declineCode, message },
      });
      const declined = new FakeError(402, { type: 'card_error', code, decline_code: declineCode, message, payment_intent: copy(intent) });
      declined.events = [{ type: 'payment_intent.payment_failed', object: copy(intent) }];
      declined.created = intent.id;
      throw declined;
    }
    const charge = this.createCharge(intent);
    Object.assign(intent, { status: 'succeeded', amount_received: amount, latest_charge: charge.id });
    return { object: intent, events: [{ type: 'payment_intent.succeeded', object: copy(intent) }, { type: 'charge.succeeded', object: copy(charge) }] };
  }

  createRefund(params: Params): Outcome {
    const intentId = params.payment_intent as string | undefined;
    const chargeId = params.charge as string | undefined;
    if (!intentId && !chargeId) throw invalid('One of payment_intent or charge is required.', 'payment_intent', 'parameter_missing');
    const intent = intentId ? this.get('payment_intent', intentId) : null;
    if (intent && intent.status !== 'succeeded') throw invalid(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, 'payment_intent', 'charge_not_refundable');
    const charge = this.get('charge', chargeId ?? String(intent?.latest_charge ?? ''));
    // A chargeback (is_charge_refundable false) blocks refunds until the merchant wins it.
    if (this.all('dispute').some((dispute) => dispute.charge === charge.id && !dispute.is_charge_refundable && dispute.status !== 'won')) {
      throw invalid(`Charge ${charge.id} has been charged back; cannot issue a refund.`, undefined, 'charge_disputed');
    }
    const refundable = Number(charge.amount) - Number(charge.amount_refunded);
    const amount = params.amount === undefined ? refundable : Number(params.amount);
    if (refundable <= 0) throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
    if (!Number.isSafeInteger(amount) || amount < 1 || amount > refundable) {
      throw invalid(`Refund amount (€${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge (€${(refundable / 100).toFixed(2)})`, 'amount', 'amount_too_large');
    }
    const refund = this.put({
      id: newId('re'),
      object: 'refund',
      amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      reason: params.reason ?? null,
      status: 'succeeded',
      metadata: metadataOf(params.metadata),
      created: this.seconds(),
    });
    (charge.refunds as { data: StripeObject[] }).data.unshift(refund);
    const refunded = Number(charge.amount_refunded) + amount;
    Object.assign(charge, { amount_refunded: refunded, refunded: refunded >= Number(charge.amount) });
    return { object: refund, events: [{ type: 'refund.created', object: copy(refund) }, { type: 'charge.refunded', object: copy(charge) }] };
  }

  /** What the customer does on the hosted page; a decline leaves the session open and sends nothing. */
  completeCheckout(sessionId: string, opts: CompleteOptions = {}): CausedEvent[] {
    const session = this.session(sessionId);
    if (session.status !== 'open') throw new Error(`checkout session ${sessionId} is ${String(session.status)}`);
    const method = opts.method ?? 'card';
    if (session.mode === 'setup') {
      const customer = (session.customer as string | null) ?? this.createCustomer({}).id;
      const paymentMethod = this.savePaymentMethod(customer, { brand: opts.cardBrand ?? 'visa' });
      const setup = this.put({
        id: newId('seti'),
        object: 'setup_intent',
        status: 'succeeded',
        customer,
        payment_method: paymentMethod.id,
        usage: 'off_session',
        metadata: metadataOf(session.setup_intent_data_metadata),
        created: this.seconds(),
        livemode: false,
      });
      Object.assign(session, { status: 'complete', customer, setup_intent: setup.id });
      return [{ type: 'checkout.session.completed', object: StripeObjects.publicSession(session) }];
    }
    if (opts.outcome === 'declined') return [];
    if (!session.customer && session.customer_creation === 'always') session.customer = this.createCustomer({ email: 'kunde@example.de' }).id;
    const paymentMethod = this.createPaymentMethod(method, opts.cardBrand ?? 'visa', (session.customer as string | null) ?? null);
    const pending = opts.outcome === 'async_pending';
    const intent = this.put({
      id: newId('pi'),
      object: 'payment_intent',
      amount: session.amount_total,
      amount_received: 0,
      currency: session.currency,
      customer: session.customer ?? null,
      payment_method: paymentMethod.id,
      payment_method_types: [method],
      metadata: metadataOf(session.payment_intent_data_metadata),
      status: pending ? 'processing' : 'succeeded',
      created: this.seconds(),
      livemode: false,
      latest_charge: null,
      last_payment_error: null,
    });
    Object.assign(session, {
      status: 'complete',
      payment_intent: intent.id,
      payment_status: pending ? 'unpaid' : 'paid',
      customer_details: { email: 'kunde@example.de', name: null, phone: null, address: { country: 'DE' }, tax_exempt: 'none', tax_ids: [] },
    });
    const completed = { type: 'checkout.session.completed', object: StripeObjects.publicSession(session) };
    if (pending) return [completed];
    const charge = this.createCharge(intent);
    Object.assign(intent, { amount_received: intent.amount, latest_charge: charge.id });
    return [completed, { type: 'payment_intent.succeeded', object: copy(intent) }, { type: 'charge.succeeded', object: copy(charge) }];
  }

  /** The end of a delayed method (SEPA, Klarna): async_payment_succeeded or _failed first. */
  settleAsync(sessionId: string, succeeded: boolean): CausedEvent[] {
    const session = this.session(sessionId);
    const intent = this.get('payment_intent', String(session.payment_intent));
    if (intent.status !== 'processing') throw new Error(`payment ${intent.id} is ${String(intent.status)}, not processing`);
    if (!succeeded) {
      Object.assign(intent, { status: 'requires_payment_method' });
      return [{ type: 'checkout.session.async_payment_failed', object: StripeObjects.publicSession(session) }];
    }
    const charge = this.createCharge(intent);
    Object.assign(intent, { status: 'succeeded', amount_received: intent.amount, latest_charge: charge.id });
    Object.assign(session, { payment_status: 'paid' });
    return [{ type: 'checkout.session.async_payment_succeeded', object: StripeObjects.publicSession(session) }, { type: 'charge.succeeded', object: copy(charge) }];
  }

  openDispute(paymentIntentId: string, opts: { amount?: number; reason?: string } = {}): Outcome {
    const intent = this.get('payment_intent', paymentIntentId);
    const charge = this.get('charge', String(intent.latest_charge));
    const amount = opts.amount ?? Number(charge.amount);
    if (!Number.isSafeInteger(amount) || amount < 1 || amount > Number(charge.amount)) throw new Error(`dispute amount ${amount} outside 1..${String(charge.amount)}`);
    const dispute = this.put({
      id: newId('dp'),
      object: 'dispute',
      amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: intent.id,
      reason: opts.reason ?? 'fraudulent',
      status: 'needs_response',
      is_charge_refundable: false,
      created: this.seconds(),
      livemode: false,
      metadata: {},
    });
    Object.assign(charge, { disputed: true });
    return { object: dispute, events: [{ type: 'charge.dispute.created', object: copy(dispute) }] };
  }

  closeDispute(disputeId: string, outcome: 'won' | 'lost'): CausedEvent[] {
    const dispute = this.get('dispute', disputeId);
    dispute.status = outcome;
    return [{ type: 'charge.dispute.closed', object: copy(dispute) }];
  }
}
