import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Stripe from 'stripe';
import { FakeError, StripeObjects, newId, parseStripeForm } from './stripe-fake.objects';
import type { CausedEvent, CompleteOptions, Outcome, SavedBehaviour, StripeObject } from './stripe-fake.objects';

export { parseStripeForm } from './stripe-fake.objects';

/**
 * A local fake of the parts of Stripe's API that payments calls (Checkout Sessions in payment and
 * setup mode, PaymentIntents off-session, Refunds, Customers, SetupIntents, PaymentMethods), in
 * Stripe's wire format: form-encoded requests with bracket notation, JSON objects with Stripe's ids
 * and fields, Stripe's error shape and statuses, idempotent replays by `Idempotency-Key`, and
 * webhooks signed with the SDK's own test helper. The real SDK is pointed at it (host, port,
 * protocol). It also serves a hosted checkout page, so `npm start` works end to end offline.
 * This file is the HTTP side (routing, idempotency, injected failures, signing and delivery, the
 * page); the objects and their rules are in stripe-fake.objects.ts.
 */

export const DEVELOPMENT_STRIPE_WEBHOOK_SECRET = 'whsec_development_only_0123456789abcdef';
// Events name the API version of the SDK we ship, as Stripe names the account's version.
const API_VERSION = Stripe.API_VERSION;

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
    opts?: CompleteOptions & { send?: boolean },
  ): Promise<{ events: SignedEvent[]; webhookStatuses: number[] }>;
  settleAsync(sessionId: string, succeeded: boolean): Promise<number>;
  dispute(paymentIntentId: string, opts?: { amount?: number; reason?: string }): Promise<{ disputeId: string; status: number }>;
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Promise<number>;
  event(type: string, object: Record<string, unknown>, opts?: { id?: string }): SignedEvent;
  send(event: SignedEvent): Promise<number>;
  stop(): Promise<void>;
}


const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
const euros = (cents: number): string => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')} €`;
const METHOD_LABELS: Record<string, string> = { paypal: 'PayPal', klarna: 'Klarna (Sofort)', sofort: 'Sofort', sepa_debit: 'SEPA-Lastschrift' };
const NO_REQUEST = { id: null, idempotency_key: null };

/** POST routes: [pattern, handler returning the object and the events it causes]. */
type PostRoute = [RegExp, (objects: StripeObjects, params: Record<string, unknown>, id: string | undefined) => Outcome];
const POSTS: PostRoute[] = [
  [/^\/v1\/customers$/, (objects, params) => ({ object: objects.createCustomer(params), events: [] })],
  [/^\/v1\/checkout\/sessions$/, (objects, params) => objects.createSession(params)],
  [/^\/v1\/checkout\/sessions\/([\w-]+)\/expire$/, (objects, _params, id) => objects.expireSession(id!)],
  [/^\/v1\/payment_intents$/, (objects, params) => objects.createIntent(params)],
  [/^\/v1\/refunds$/, (objects, params) => objects.createRefund(params)],
];
const GETS: [RegExp, string][] = [
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

export async function startStripeFake(options: StripeFakeOptions): Promise<StripeFake> {
  const now = options.now ?? (() => new Date());
  const objects = new StripeObjects(now, () => fake.url);
  const idempotent = new Map<string, { path: string; params: string; status: number; body: string; created: string | null }>();
  const log: FakeRequest[] = [];
  const failures: { method?: string; path: string | RegExp; answer: FakeFailure; times: number }[] = [];
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let webhookUrl = options.webhookUrl ?? null;
  const attempts = options.deliveryAttempts ?? 3;
  const backoffMs = options.deliveryBackoffMs ?? 200;

  const sign = (type: string, object: Record<string, unknown>, opts: { id?: string; request?: { id: string | null; idempotency_key: string | null } } = {}): SignedEvent => {
    const id = opts.id ?? newId('evt');
    const created = objects.seconds();
    const payload = JSON.stringify({
      id,
      object: 'event',
      api_version: API_VERSION,
      created,
      type,
      livemode: false,
      pending_webhooks: 1,
      request: opts.request ?? NO_REQUEST,
      data: { object },
    });
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.webhookSecret, timestamp: created });
    return { id, type, payload, header };
  };
  const signAll = (events: CausedEvent[], request?: { id: string; idempotency_key: string | null }): SignedEvent[] =>
    events.map((caused) => sign(caused.type, caused.object, { request }));

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
  /** Delivers in order, each after the previous one's answer, like one Stripe endpoint sees them. */
  const emit = async (events: SignedEvent[]): Promise<number[]> => {
    const statuses: number[] = [];
    for (const signed of events) statuses.push(await send(signed));
    return statuses;
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
      record(typeof failure.answer === 'string' ? 0 : failure.answer.status);
      if (failure.answer === 'reset') req.socket.destroy();
      else if (failure.answer === 'timeout') {
        // Held until the client gives up (its socket closes) or the fake stops.
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
      } else json(res, failure.answer.status, { error: failure.answer.error });
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
        const route = GETS.find(([pattern]) => pattern.test(path));
        if (!route) throw new FakeError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (GET: ${path}).` });
        const found = objects.get(route[1], route[0].exec(path)![1]!);
        record(200);
        json(res, 200, found);
        return;
      }
      if (method !== 'POST') throw new FakeError(405, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` });
      const seen = key ? idempotent.get(key) : undefined;
      if (key && seen) {
        if (seen.path !== path || seen.params !== JSON.stringify(params)) {
          // 400, not 409: the SDK makes a StripeIdempotencyError only of a 400 (a 409, which Stripe
          // answers while the key's first request still runs, it retries as a StripeAPIError).
          throw new FakeError(400, {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          });
        }
        record(seen.status, true);
        json(res, seen.status, seen.body, { 'idempotent-replayed': 'true', 'idempotency-key': key });
        return;
      }
      const route = POSTS.find(([pattern]) => pattern.test(path));
      if (!route) throw new FakeError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (POST: ${path}).` });
      const requestId = newId('req');
      let status = 200;
      let body: string;
      let caused: CausedEvent[];
      let created: string | null;
      try {
        const result = route[1](objects, params, route[0].exec(path)![1]);
        body = JSON.stringify(result.object);
        caused = result.events;
        created = path.endsWith('/expire') ? null : result.object.id;
      } catch (error) {
        if (!(error instanceof FakeError)) throw error;
        status = error.status;
        body = JSON.stringify({ error: error.body });
        caused = error.events;
        created = error.created;
      }
      // Like Stripe, a request that failed validation saves nothing under its key; anything that ran does.
      if (key && status !== 400 && status !== 401 && status !== 404) idempotent.set(key, { path, params: JSON.stringify(params), status, body, created });
      record(status);
      json(res, status, body, { 'request-id': requestId, ...(key ? { 'idempotency-key': key } : {}) });
      // Like Stripe, events follow the answer and name the request that caused them.
      const events = signAll(caused, { id: requestId, idempotency_key: key });
      if (events.length > 0 && webhookUrl) void emit(events);
    } catch (error) {
      const known = error instanceof FakeError ? error : new FakeError(500, { type: 'api_error', message: 'An unknown error occurred' });
      record(known.status);
      json(res, known.status, { error: known.body });
    }
  };

  const page = async (req: IncomingMessage, res: ServerResponse, sessionId: string): Promise<void> => {
    const session = objects.find(sessionId);
    const html = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Stripe Checkout (lokal)</title></head><body>${body}</body></html>`);
    };
    if (!session || session.object !== 'checkout.session') return html(404, '<h1>Diese Zahlungsseite gibt es nicht.</h1>');
    const redirect = (location: unknown): void => {
      res.writeHead(303, { location: String(location ?? '/') });
      res.end();
    };
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      // `card` or `card:mastercard`: the card button names its brand.
      const [method = 'card', brand] = (form.get('method') ?? 'card').split(':');
      if (form.get('cancel') || session.status !== 'open') return redirect(session.cancel_url);
      if (session.mode === 'payment' && !(session.payment_method_types as string[]).includes(method)) return html(400, '<h1>Diese Zahlungsart wird hier nicht angeboten.</h1>');
      await completeCheckout(sessionId, { method: method as CompleteOptions['method'], cardBrand: brand === 'mastercard' ? 'mastercard' : 'visa' });
      return redirect(session.success_url);
    }
    if (session.status !== 'open') return html(410, '<h1>Diese Zahlungsseite ist nicht mehr gültig.</h1>');
    const button = (method: string, label: string): string => `<button name="method" value="${escapeHtml(method)}">${escapeHtml(label)}</button>`;
    const buttons =
      session.mode === 'setup'
        ? button('card', 'Karte speichern')
        : (session.payment_method_types as string[])
            .map((method) => (method === 'card' ? button('card', 'Karte (Visa)') + button('card:mastercard', 'Karte (Mastercard)') : button(method, METHOD_LABELS[method] ?? method)))
            .join('');
    html(
      200,
      `<h1>${session.mode === 'setup' ? 'Zahlungsart für automatische Aufladungen speichern' : `Betrag: ${escapeHtml(euros(Number(session.amount_total)))}`}</h1>
<p>Lokale Testumgebung: es wird kein echtes Geld bewegt.</p><form method="post">${buttons}</form><form method="post"><button name="cancel" value="1">Abbrechen</button></form>`,
    );
  };

  const completeCheckout: StripeFake['completeCheckout'] = async (sessionId, opts = {}) => {
    const events = signAll(objects.completeCheckout(sessionId, opts));
    return { events, webhookStatuses: opts.send === false ? [] : await emit(events) };
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const checkout = /^\/checkout\/([\w-]+)$/.exec(url.pathname);
    const handled = checkout ? page(req, res, checkout[1]!) : url.pathname.startsWith('/v1/') ? api(req, res, url.pathname) : Promise.resolve(json(res, 404, { error: { type: 'invalid_request_error', message: 'Not found' } }));
    handled.catch(() => {
      if (!res.headersSent) json(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred' } });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
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
    refunds: () => objects.all('refund') as FakeRefund[],
    failNext: (match, answer, times = 1) => {
      failures.push({ ...match, answer, times });
    },
    savePaymentMethod: (customerId, opts) => objects.savePaymentMethod(customerId, opts),
    completeCheckout,
    settleAsync: async (sessionId, succeeded) => (await emit(signAll(objects.settleAsync(sessionId, succeeded))))[0] ?? 0,
    dispute: async (paymentIntentId, opts) => {
      const { object, events } = objects.openDispute(paymentIntentId, opts);
      return { disputeId: object.id, status: (await emit(signAll(events)))[0] ?? 0 };
    },
    closeDispute: async (disputeId, outcome) => (await emit(signAll(objects.closeDispute(disputeId, outcome))))[0] ?? 0,
    event: (type, object, opts = {}) => sign(type, object, opts),
    send,
    stop: async () => {
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
