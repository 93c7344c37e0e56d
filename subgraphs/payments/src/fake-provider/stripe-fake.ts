import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Stripe from 'stripe';

/**
 * A local fake of the parts of Stripe's API that payments calls (Checkout Sessions in payment and
 * setup mode, PaymentIntents off-session, Refunds, Customers, SetupIntents, PaymentMethods), in
 * Stripe's wire format: form-encoded requests with bracket notation, JSON objects with Stripe's ids
 * and fields, Stripe's error shape and statuses, idempotent replays by `Idempotency-Key`, and
 * webhooks signed with the SDK's own test helper. The real SDK is pointed at it (host, port,
 * protocol). It also serves a hosted checkout page, so `npm start` works end to end offline.
 */

export const DEVELOPMENT_STRIPE_WEBHOOK_SECRET = 'whsec_development_only_0123456789abcdef';
const API_VERSION = '2026-11-18.endive';

type StripeObject = Record<string, unknown> & { id: string; object: string };

export interface StripeFakeOptions {
  host?: string;
  /** 0: a free port. */
  port?: number;
  /** Where events are POSTed (our webhook endpoint); can be set later. */
  webhookUrl?: string;
  webhookSecret: string;
  /** Clock for `created` and signature timestamps (tests move time). */
  now?: () => Date;
  /** When set, requests with another Bearer key answer 401 like Stripe. */
  apiKey?: string;
  /** Delivery tries per event (non-2xx or connection error); default 3. */
  deliveryAttempts?: number;
  /** Pause between delivery tries; default 200 ms. */
  deliveryBackoffMs?: number;
}

export interface FakeRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  params: Record<string, unknown>;
  status: number;
  replayed: boolean;
}

export interface SignedEvent {
  id: string;
  type: string;
  payload: string;
  /** The Stripe-Signature header value. */
  header: string;
}

/** A refund the fake made, as Stripe's refund object. */
export type FakeRefund = StripeObject & { amount: number; payment_intent: string | null; charge: string; status: string; metadata: Record<string, string> };

export type FakeFailure = { status: number; error: Record<string, unknown> } | 'timeout' | 'reset';
type SavedBehaviour = 'ok' | 'authentication_required' | 'card_declined' | 'insufficient_funds';

export interface StripeFake {
  url: string;
  host: string;
  port: number;
  setWebhookUrl(url: string): void;
  requests(): FakeRequest[];
  /** Distinct objects created under an idempotency key: 0 or 1; replays do not count. */
  objectsCreatedFor(idempotencyKey: string): number;
  refunds(): FakeRefund[];
  failNext(match: { method?: string; path: string | RegExp }, answer: FakeFailure, times?: number): void;
  savePaymentMethod(customerId: string, opts?: { brand?: 'visa' | 'mastercard'; behaviour?: SavedBehaviour }): { id: string };
  completeCheckout(
    sessionId: string,
    opts?: { method?: 'card' | 'paypal' | 'klarna' | 'sepa_debit'; cardBrand?: 'visa' | 'mastercard'; outcome?: 'paid' | 'async_pending' | 'declined'; send?: boolean },
  ): Promise<{ events: SignedEvent[]; webhookStatuses: number[] }>;
  settleAsync(sessionId: string, succeeded: boolean): Promise<number>;
  dispute(paymentIntentId: string, opts?: { amount?: number; reason?: string }): Promise<{ disputeId: string; status: number }>;
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Promise<number>;
  event(type: string, object: Record<string, unknown>, opts?: { id?: string }): SignedEvent;
  send(event: SignedEvent): Promise<number>;
  stop(): Promise<void>;
}

class FakeError extends Error {
  /** Events the failed request still causes (a declined PaymentIntent sends payment_failed). */
  events: SignedEvent[] = [];
  /** The object the failed request still created (a declined PaymentIntent exists), if any. */
  created: string | null = null;

  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? 'error'));
  }
}

const invalid = (message: string, param?: string, code = 'parameter_invalid'): FakeError =>
  new FakeError(400, { type: 'invalid_request_error', code, message, ...(param ? { param } : {}) });
const missing = (kind: string, id: string): FakeError =>
  new FakeError(404, { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'`, param: 'id' });

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

/** The payment method types the hosted page offers (Stripe knows more; the brand's are these). */
const CHECKOUT_METHOD_TYPES = ['card', 'paypal', 'klarna', 'sofort', 'sepa_debit'];

const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const euros = (cents: number): string => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')} €`;

export async function startStripeFake(options: StripeFakeOptions): Promise<StripeFake> {
  const now = options.now ?? (() => new Date());
  const seconds = (): number => Math.floor(now().getTime() / 1000);
  const objects = new Map<string, StripeObject>();
  const idempotent = new Map<string, { path: string; params: string; status: number; body: string; created: string | null }>();
  const log: FakeRequest[] = [];
  const failures: { method?: string; path: string | RegExp; answer: FakeFailure; times: number }[] = [];
  const behaviours = new Map<string, SavedBehaviour>();
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let webhookUrl = options.webhookUrl ?? null;
  const attempts = options.deliveryAttempts ?? 3;
  const backoffMs = options.deliveryBackoffMs ?? 200;
  // The API request being handled, so the events it causes name it like Stripe's `request` field.
  let causedBy: { id: string | null; idempotency_key: string | null } = { id: null, idempotency_key: null };

  const get = (kind: string, id: string): StripeObject => {
    const found = objects.get(id);
    if (!found || found.object !== kind) throw missing(kind, id);
    return found;
  };
  const put = <T extends StripeObject>(object: T): T => {
    objects.set(object.id, object);
    return object;
  };

  const event = (type: string, object: Record<string, unknown>, opts: { id?: string } = {}): SignedEvent => {
    const id = opts.id ?? newId('evt');
    const payload = JSON.stringify({
      id,
      object: 'event',
      api_version: API_VERSION,
      created: seconds(),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: causedBy,
      data: { object },
    });
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.webhookSecret, timestamp: seconds() });
    return { id, type, payload, header };
  };

  const send = async (signed: SignedEvent): Promise<number> => {
    if (!webhookUrl) throw new Error('the Stripe fake has no webhook URL');
    let status = 0;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        const response = await fetch(webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signed.header, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
          body: signed.payload,
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        status = response.status;
        if (status >= 200 && status < 300) return status;
      } catch {
        status = 0;
      }
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, backoffMs));
    }
    return status;
  };

  const emit = async (events: SignedEvent[], deliver: boolean): Promise<number[]> => {
    const statuses: number[] = [];
    if (deliver) for (const signed of events) statuses.push(await send(signed));
    return statuses;
  };

  const chargeFor = (intent: StripeObject, details: Record<string, unknown>): StripeObject =>
    put({
      id: newId('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: 0,
      refunded: false,
      captured: true,
      paid: true,
      status: 'succeeded',
      currency: intent.currency,
      created: seconds(),
      livemode: false,
      customer: intent.customer ?? null,
      metadata: { ...(intent.metadata as Record<string, string>) },
      payment_intent: intent.id,
      payment_method: intent.payment_method ?? null,
      payment_method_details: details,
      refunds: { object: 'list', data: [], has_more: false, url: '/v1/refunds' },
    });

  /** A PaymentMethod object (retrievable) of the given type; cards carry brand, last4 and fingerprint. */
  const createPaymentMethod = (type: string, cardBrand: string, customer: string | null): StripeObject => {
    const fingerprint = randomBytes(8).toString('hex');
    const details =
      type === 'card'
        ? { brand: cardBrand, last4: cardBrand === 'visa' ? '4242' : '4444', exp_month: 12, exp_year: 2030, fingerprint, country: 'DE', funding: 'credit' }
        : type === 'paypal'
          ? { payer_id: `PAYER${fingerprint.slice(0, 8).toUpperCase()}`, payer_email: 'kunde@example.de' }
          : type === 'sepa_debit'
            ? { bank_code: '37040044', country: 'DE', fingerprint, last4: '3000' }
            : {};
    return put({ id: newId('pm'), object: 'payment_method', type, [type]: details, customer, billing_details: { email: null, name: null }, created: seconds(), livemode: false, metadata: {} });
  };
  /** A charge's payment_method_details for a PaymentMethod: the same type-named hash. */
  const detailsOf = (method: StripeObject): Record<string, unknown> => ({ type: method.type, [String(method.type)]: method[String(method.type)] });

  const savePaymentMethod = (customerId: string, opts: { brand?: 'visa' | 'mastercard'; behaviour?: SavedBehaviour } = {}): { id: string } => {
    const method = createPaymentMethod('card', opts.brand ?? 'visa', customerId);
    behaviours.set(method.id, opts.behaviour ?? 'ok');
    return { id: method.id };
  };

  // --- API handlers, each (params, id?) → [status, object] ---------------------------------------

  const createSession = (params: Record<string, unknown>): StripeObject => {
    const mode = String(params.mode ?? '');
    if (mode !== 'payment' && mode !== 'setup') throw invalid('Invalid mode: must be one of payment, setup, or subscription', 'mode');
    if (!params.success_url && params.ui_mode !== 'embedded') throw invalid('Missing required param: success_url.', 'success_url', 'parameter_missing');
    const methods = (params.allowed_payment_method_types ?? params.payment_method_types ?? ['card']) as string[];
    const unknown = methods.find((type) => !CHECKOUT_METHOD_TYPES.includes(type));
    if (unknown !== undefined) throw invalid(`Invalid payment_method_types[0]: must be one of ${CHECKOUT_METHOD_TYPES.join(', ')}`, 'payment_method_types');
    if (params.customer_creation !== undefined && mode !== 'payment') throw invalid('customer_creation can only be used in payment mode.', 'customer_creation');
    if (params.customer !== undefined) get('customer', String(params.customer));
    const expiresAt = params.expires_at === undefined ? seconds() + 24 * 3600 : Number(params.expires_at);
    if (expiresAt < seconds() + 30 * 60 - 5 || expiresAt > seconds() + 24 * 3600 + 5) {
      throw invalid('The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.', 'expires_at');
    }
    let amountTotal: number | null = null;
    let currency = (params.currency as string | undefined) ?? null;
    if (mode === 'payment') {
      const items = (params.line_items ?? []) as { quantity?: string; price_data?: { currency?: string; unit_amount?: string; product_data?: { name?: string } } }[];
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
    return put({
      id,
      object: 'checkout.session',
      mode,
      status: 'open',
      payment_status: mode === 'setup' ? 'no_payment_required' : 'unpaid',
      url: `${fake.url}/checkout/${id}`,
      amount_total: amountTotal,
      amount_subtotal: amountTotal,
      currency,
      customer: (params.customer as string | undefined) ?? null,
      client_reference_id: (params.client_reference_id as string | undefined) ?? null,
      metadata: (params.metadata as Record<string, string> | undefined) ?? {},
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
      created: seconds(),
      livemode: false,
      payment_intent_data_metadata: ((params.payment_intent_data as { metadata?: Record<string, string> } | undefined)?.metadata) ?? {},
      setup_intent_data_metadata: ((params.setup_intent_data as { metadata?: Record<string, string> } | undefined)?.metadata) ?? {},
    });
  };

  const publicSession = (session: StripeObject): StripeObject => {
    const { payment_intent_data_metadata: _pi, setup_intent_data_metadata: _si, ...rest } = session;
    return rest as StripeObject;
  };

  const createIntent = (params: Record<string, unknown>): { intent: StripeObject; events: SignedEvent[] } => {
    const amount = Number(params.amount);
    if (!Number.isSafeInteger(amount) || amount < 50) throw invalid('Amount must be at least €0.50 eur', 'amount', 'amount_too_small');
    const customer = params.customer as string | undefined;
    const paymentMethod = params.payment_method as string | undefined;
    if (paymentMethod) {
      const method = get('payment_method', paymentMethod);
      if (customer && method.customer !== customer) throw invalid(`The payment method ${paymentMethod} does not belong to the customer ${customer}.`, 'payment_method');
    }
    const intent = put({
      id: newId('pi'),
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency: String(params.currency ?? 'eur'),
      customer: customer ?? null,
      payment_method: paymentMethod ?? null,
      metadata: (params.metadata as Record<string, string> | undefined) ?? {},
      description: params.description ?? null,
      status: 'requires_payment_method',
      created: seconds(),
      livemode: false,
      latest_charge: null,
      last_payment_error: null,
    });
    if (!(params.confirm === 'true' && paymentMethod)) return { intent, events: [] };
    const behaviour = behaviours.get(paymentMethod) ?? 'ok';
    if (behaviour !== 'ok') {
      const code = behaviour === 'authentication_required' ? 'authentication_required' : 'card_declined';
      const declineCode = behaviour === 'insufficient_funds' ? 'insufficient_funds' : behaviour === 'card_declined' ? 'generic_decline' : 'authentication_required';
      const errorCode = behaviour === 'insufficient_funds' ? 'insufficient_funds' : code;
      Object.assign(intent, {
        status: behaviour === 'authentication_required' ? 'requires_action' : 'requires_payment_method',
        last_payment_error: { type: 'card_error', code: errorCode, decline_code: declineCode, message: 'Your card was declined.' },
      });
      const declined = new FakeError(402, {
        type: 'card_error',
        code: errorCode,
        decline_code: declineCode,
        message: behaviour === 'authentication_required' ? 'This payment requires authentication.' : 'Your card was declined.',
        payment_intent: { ...intent },
      });
      declined.events = [event('payment_intent.payment_failed', { ...intent })];
      declined.created = intent.id;
      throw declined;
    }
    const charge = chargeFor(intent, detailsOf(get('payment_method', paymentMethod)));
    Object.assign(intent, { status: 'succeeded', amount_received: amount, latest_charge: charge.id });
    return { intent, events: [event('payment_intent.succeeded', { ...intent }), event('charge.succeeded', { ...charge })] };
  };

  const createRefund = (params: Record<string, unknown>): { refund: StripeObject; events: SignedEvent[] } => {
    const intentId = params.payment_intent as string | undefined;
    const chargeId = params.charge as string | undefined;
    if (!intentId && !chargeId) throw invalid('One of payment_intent or charge is required.', 'payment_intent', 'parameter_missing');
    const intent = intentId ? get('payment_intent', intentId) : null;
    const charge = get('charge', chargeId ?? String(intent?.latest_charge ?? ''));
    if (intent && intent.status !== 'succeeded') throw invalid(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, 'payment_intent', 'charge_not_refundable');
    const refundable = Number(charge.amount) - Number(charge.amount_refunded);
    const amount = params.amount === undefined ? refundable : Number(params.amount);
    if (refundable <= 0) throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
    if (!Number.isSafeInteger(amount) || amount < 1 || amount > refundable) {
      throw invalid(`Refund amount (€${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge (€${(refundable / 100).toFixed(2)})`, 'amount', 'amount_too_large');
    }
    const refund = put({
      id: newId('re'),
      object: 'refund',
      amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      reason: params.reason ?? null,
      status: 'succeeded',
      metadata: (params.metadata as Record<string, string> | undefined) ?? {},
      created: seconds(),
    });
    const refunds = charge.refunds as { data: StripeObject[] };
    refunds.data.unshift(refund);
    Object.assign(charge, { amount_refunded: Number(charge.amount_refunded) + amount, refunded: Number(charge.amount_refunded) + amount >= Number(charge.amount) });
    return { refund, events: [event('refund.created', { ...refund }), event('charge.refunded', JSON.parse(JSON.stringify(charge)) as Record<string, unknown>)] };
  };

  /** POST routes that create or change objects: [pattern, handler returning the object and the events it causes]. */
  const posts: [RegExp, (params: Record<string, unknown>, id: string | undefined) => { object: StripeObject; events: SignedEvent[] }][] = [
    [/^\/v1\/customers$/, (params) => ({
      object: put({ id: newId('cus'), object: 'customer', email: params.email ?? null, metadata: (params.metadata as Record<string, string> | undefined) ?? {}, created: seconds(), livemode: false }),
      events: [],
    })],
    [/^\/v1\/checkout\/sessions$/, (params) => ({ object: publicSession(createSession(params)), events: [] })],
    [/^\/v1\/checkout\/sessions\/([\w-]+)\/expire$/, (_params, id) => {
      const session = get('checkout.session', id!);
      if (session.status !== 'open') throw invalid(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${String(session.status)}".`, undefined, 'checkout_session_not_open');
      session.status = 'expired';
      return { object: publicSession(session), events: [event('checkout.session.expired', publicSession(session))] };
    }],
    [/^\/v1\/payment_intents$/, (params) => {
      const { intent, events } = createIntent(params);
      return { object: intent, events };
    }],
    [/^\/v1\/refunds$/, (params) => {
      const { refund, events } = createRefund(params);
      return { object: refund, events };
    }],
  ];
  const gets: [RegExp, string][] = [
    [/^\/v1\/customers\/([\w-]+)$/, 'customer'],
    [/^\/v1\/checkout\/sessions\/([\w-]+)$/, 'checkout.session'],
    [/^\/v1\/payment_intents\/([\w-]+)$/, 'payment_intent'],
    [/^\/v1\/setup_intents\/([\w-]+)$/, 'setup_intent'],
    [/^\/v1\/payment_methods\/([\w-]+)$/, 'payment_method'],
    [/^\/v1\/refunds\/([\w-]+)$/, 'refund'],
    [/^\/v1\/charges\/([\w-]+)$/, 'charge'],
  ];

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req'), 'stripe-version': API_VERSION, ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const api = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    const params = method === 'GET' ? Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams) : parseStripeForm(raw);
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const record = (status: number, replayed = false): void => {
      log.push({ method, path, idempotencyKey: key, params, status, replayed });
    };
    const failure = failures.find((candidate) => candidate.times > 0 && (!candidate.method || candidate.method === method) && (typeof candidate.path === 'string' ? candidate.path === path : candidate.path.test(path)));
    if (failure) {
      failure.times -= 1;
      if (failure.answer === 'reset') {
        record(0);
        req.socket.destroy();
        return;
      }
      if (failure.answer === 'timeout') {
        record(0);
        hanging.add(res);
        return;
      }
      record(failure.answer.status);
      json(res, failure.answer.status, { error: failure.answer.error });
      return;
    }
    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!auth || (options.apiKey && auth !== options.apiKey)) {
      record(401);
      json(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
      return;
    }
    try {
      if (method === 'GET') {
        const route = gets.find(([pattern]) => pattern.test(path));
        if (!route) throw new FakeError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (GET: ${path}).` });
        const found = get(route[1], route[0].exec(path)![1]!);
        record(200);
        json(res, 200, found.object === 'checkout.session' ? publicSession(found) : found);
        return;
      }
      if (method !== 'POST') throw new FakeError(405, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` });
      if (key) {
        const seen = idempotent.get(key);
        const paramsText = JSON.stringify(params);
        if (seen) {
          if (seen.path !== path || seen.params !== paramsText) {
            // 400, not 409: the SDK makes a StripeIdempotencyError only of a 400 (a 409, which Stripe
            // answers while the key's first request still runs, it retries as a StripeAPIError).
            record(400);
            json(res, 400, { error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            } });
            return;
          }
          record(seen.status, true);
          json(res, seen.status, seen.body, { 'idempotent-replayed': 'true', 'idempotency-key': key });
          return;
        }
      }
      const route = posts.find(([pattern]) => pattern.test(path));
      if (!route) throw new FakeError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (POST: ${path}).` });
      let status = 200;
      let body: string;
      let events: SignedEvent[] = [];
      let created: string | null = null;
      const requestId = newId('req');
      causedBy = { id: requestId, idempotency_key: key };
      try {
        const result = route[1](params, route[0].exec(path)![1]);
        body = JSON.stringify(result.object);
        events = result.events;
        created = path.endsWith('/expire') ? null : result.object.id;
      } catch (error) {
        if (!(error instanceof FakeError)) throw error;
        status = error.status;
        body = JSON.stringify({ error: error.body });
        events = error.events;
        created = error.created;
      } finally {
        causedBy = { id: null, idempotency_key: null };
      }
      // Like Stripe, a request that failed validation saves nothing under its key; anything that ran does.
      if (key && status !== 400 && status !== 401 && status !== 404) idempotent.set(key, { path, params: JSON.stringify(params), status, body, created });
      record(status);
      json(res, status, body, { 'request-id': requestId, ...(key ? { 'idempotency-key': key } : {}) });
      // Like Stripe, events follow the answer.
      if (events.length > 0 && webhookUrl) void emit(events, true);
    } catch (error) {
      if (!(error instanceof FakeError)) {
        record(500);
        json(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred' } });
        return;
      }
      record(error.status);
      json(res, error.status, { error: error.body });
    }
  };

  // --- the hosted checkout page ---------------------------------------------------------------

  const METHOD_LABELS: Record<string, string> = { card: 'Karte (Visa, Mastercard)', paypal: 'PayPal', klarna: 'Klarna (Sofort)', sepa_debit: 'SEPA-Lastschrift' };

  const page = async (req: IncomingMessage, res: ServerResponse, sessionId: string): Promise<void> => {
    const session = objects.get(sessionId);
    const html = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Stripe Checkout (lokal)</title></head><body>${body}</body></html>`);
    };
    if (!session || session.object !== 'checkout.session') return html(404, '<h1>Diese Zahlungsseite gibt es nicht.</h1>');
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      if (form.get('cancel') || session.status !== 'open') {
        res.writeHead(303, { location: String(session.cancel_url ?? '/') });
        res.end();
        return;
      }
      await completeCheckout(sessionId, { method: (form.get('method') ?? 'card') as 'card', cardBrand: 'visa' });
      res.writeHead(303, { location: String(session.success_url ?? '/') });
      res.end();
      return;
    }
    if (session.status !== 'open') return html(410, '<h1>Diese Zahlungsseite ist nicht mehr gültig.</h1>');
    const buttons =
      session.mode === 'setup'
        ? '<button name="method" value="card">Karte speichern</button>'
        : (session.payment_method_types as string[]).map((method) => `<button name="method" value="${escapeHtml(method)}">${escapeHtml(METHOD_LABELS[method] ?? method)}</button>`).join('');
    html(
      200,
      `<h1>${session.mode === 'setup' ? 'Zahlungsart für automatische Aufladungen speichern' : `Betrag: ${escapeHtml(euros(Number(session.amount_total)))}`}</h1>
<p>Lokale Testumgebung: es wird kein echtes Geld bewegt.</p><form method="post">${buttons}</form><form method="post"><button name="cancel" value="1">Abbrechen</button></form>`,
    );
  };

  const completeCheckout: StripeFake['completeCheckout'] = async (sessionId, opts = {}) => {
    const session = get('checkout.session', sessionId);
    if (session.status !== 'open') throw new Error(`checkout session ${sessionId} is ${String(session.status)}`);
    const deliver = opts.send ?? true;
    const method = opts.method ?? 'card';
    const events: SignedEvent[] = [];
    if (session.mode === 'setup') {
      const customer = (session.customer as string | null) ?? put({ id: newId('cus'), object: 'customer', metadata: {}, created: seconds(), livemode: false }).id;
      const paymentMethod = savePaymentMethod(customer, { brand: opts.cardBrand ?? 'visa' });
      const setup = put({
        id: newId('seti'),
        object: 'setup_intent',
        status: 'succeeded',
        customer,
        payment_method: paymentMethod.id,
        usage: 'off_session',
        metadata: session.setup_intent_data_metadata as Record<string, string>,
        created: seconds(),
        livemode: false,
      });
      Object.assign(session, { status: 'complete', customer, setup_intent: setup.id });
      events.push(event('checkout.session.completed', publicSession(session)));
      return { events, webhookStatuses: await emit(events, deliver) };
    }
    // Declined: the customer stays on the page and may try another method, so nothing is sent.
    if (opts.outcome === 'declined') return { events, webhookStatuses: [] };
    if (!session.customer && session.customer_creation === 'always') {
      session.customer = put({ id: newId('cus'), object: 'customer', email: 'kunde@example.de', metadata: {}, created: seconds(), livemode: false }).id;
    }
    const paymentMethod = createPaymentMethod(method, opts.cardBrand ?? 'visa', (session.customer as string | null) ?? null);
    const intent = put({
      id: newId('pi'),
      object: 'payment_intent',
      amount: session.amount_total,
      amount_received: 0,
      currency: session.currency,
      customer: session.customer ?? null,
      payment_method: paymentMethod.id,
      payment_method_types: [method],
      metadata: session.payment_intent_data_metadata as Record<string, string>,
      status: opts.outcome === 'async_pending' ? 'processing' : 'succeeded',
      created: seconds(),
      livemode: false,
      latest_charge: null,
    });
    Object.assign(session, {
      status: 'complete',
      payment_intent: intent.id,
      payment_status: opts.outcome === 'async_pending' ? 'unpaid' : 'paid',
      customer_details: { email: 'kunde@example.de', name: null, phone: null, address: { country: 'DE' }, tax_exempt: 'none', tax_ids: [] },
    });
    if (opts.outcome !== 'async_pending') {
      const charge = chargeFor(intent, detailsOf(paymentMethod));
      Object.assign(intent, { amount_received: intent.amount, latest_charge: charge.id });
      events.push(event('checkout.session.completed', publicSession(session)), event('payment_intent.succeeded', { ...intent }), event('charge.succeeded', { ...charge }));
    } else {
      events.push(event('checkout.session.completed', publicSession(session)));
    }
    return { events, webhookStatuses: await emit(events, deliver) };
  };

  const settleAsync: StripeFake['settleAsync'] = async (sessionId, succeeded) => {
    const session = get('checkout.session', sessionId);
    const intent = get('payment_intent', String(session.payment_intent));
    const events: SignedEvent[] = [];
    if (succeeded) {
      const charge = chargeFor(intent, detailsOf(get('payment_method', String(intent.payment_method))));
      Object.assign(intent, { status: 'succeeded', amount_received: intent.amount, latest_charge: charge.id });
      Object.assign(session, { payment_status: 'paid' });
      events.push(event('checkout.session.async_payment_succeeded', publicSession(session)), event('charge.succeeded', { ...charge }));
    } else {
      Object.assign(intent, { status: 'requires_payment_method' });
      events.push(event('checkout.session.async_payment_failed', publicSession(session)));
    }
    const statuses = await emit(events, true);
    return statuses[0] ?? 0;
  };

  const dispute: StripeFake['dispute'] = async (paymentIntentId, opts = {}) => {
    const intent = get('payment_intent', paymentIntentId);
    const charge = get('charge', String(intent.latest_charge));
    const created = put({
      id: newId('dp'),
      object: 'dispute',
      amount: opts.amount ?? charge.amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: intent.id,
      reason: opts.reason ?? 'fraudulent',
      status: 'needs_response',
      is_charge_refundable: false,
      created: seconds(),
      livemode: false,
      metadata: {},
    });
    Object.assign(charge, { disputed: true });
    const statuses = await emit([event('charge.dispute.created', { ...created })], true);
    return { disputeId: created.id, status: statuses[0] ?? 0 };
  };

  const closeDispute: StripeFake['closeDispute'] = async (disputeId, outcome) => {
    const found = get('dispute', disputeId);
    found.status = outcome;
    const statuses = await emit([event('charge.dispute.closed', { ...found })], true);
    return statuses[0] ?? 0;
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const checkout = /^\/checkout\/([\w-]+)$/.exec(path);
    const handled = checkout ? page(req, res, checkout[1]!) : path.startsWith('/v1/') ? api(req, res, path) : Promise.resolve(json(res, 404, { error: { type: 'invalid_request_error', message: 'Not found' } }));
    handled.catch(() => {
      if (!res.headersSent) json(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred' } });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const port = (server.address() as AddressInfo).port;

  const fake: StripeFake = {
    url: `http://${host}:${port}`,
    host,
    port,
    setWebhookUrl: (url) => {
      webhookUrl = url;
    },
    requests: () => [...log],
    objectsCreatedFor: (key) => (idempotent.get(key)?.created ? 1 : 0),
    refunds: () => [...objects.values()].filter((object): object is FakeRefund => object.object === 'refund'),
    failNext: (match, answer, times = 1) => {
      failures.push({ ...match, answer, times });
    },
    savePaymentMethod,
    completeCheckout,
    settleAsync,
    dispute,
    closeDispute,
    event,
    send,
    stop: async () => {
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
