import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { parseStripeForm, startStripeFake } from './stripe-fake';
import type { StripeFake } from './stripe-fake';

const SECRET = 'whsec_fake_spec_0123456789abcdef';

/** A webhook endpoint that verifies every delivery with the SDK, answering from a script of statuses (then 200). */
class Receiver {
  readonly events: Stripe.Event[] = [];
  readonly deliveries: number[] = [];
  answers: number[] = [];
  private server!: Server;
  url = '';

  async start(stripe: Stripe): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const status = this.answers.shift() ?? 200;
        this.deliveries.push(status);
        try {
          const event = stripe.webhooks.constructEvent(Buffer.concat(chunks), String(req.headers['stripe-signature']), SECRET);
          if (status === 200) this.events.push(event);
          res.writeHead(status).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/stripe`;
  }

  /** The verified events about one object, waiting briefly for those the fake sends after its answer. */
  async about(id: string, count: number): Promise<Stripe.Event[]> {
    const matching = (): Stripe.Event[] => this.events.filter((event) => (event.data.object as { id: string }).id === id);
    for (let waited = 0; matching().length < count && waited < 3000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return matching();
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The fake answers the real SDK like Stripe does, so what passes against it passes the SDK's own parsing. */
describe('the local Stripe fake, driven by the real SDK', () => {
  let fake: StripeFake;
  let stripe: Stripe;
  const receiver = new Receiver();
  let clock = new Date('2026-12-04T18:00:00Z');

  beforeAll(async () => {
    fake = await startStripeFake({ webhookSecret: SECRET, now: () => clock, deliveryBackoffMs: 10 });
    stripe = new Stripe('sk_test_fake_spec_key', { host: fake.host, port: fake.port, protocol: 'http', maxNetworkRetries: 0, timeout: 1000, telemetry: false });
    await receiver.start(stripe);
    fake.setWebhookUrl(receiver.url);
  });
  beforeEach(() => {
    // Real time, so the receiver's signature tolerance holds; one test moves it on purpose.
    clock = new Date();
  });
  afterAll(async () => {
    await fake?.stop();
    await receiver.stop();
  });

  const session = (key: string, amount = 1500, extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) =>
    stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: amount, product_data: { name: 'Guthaben' } } }],
        allowed_payment_method_types: ['card', 'paypal'],
        metadata: { order_id: key },
        payment_intent_data: { metadata: { order_id: key } },
        client_reference_id: key,
        success_url: 'http://127.0.0.1/done',
        cancel_url: 'http://127.0.0.1/cancelled',
        ...extra,
      },
      { idempotencyKey: key },
    );
  const intentOf = async (sessionId: string): Promise<string> => String((await stripe.checkout.sessions.retrieve(sessionId)).payment_intent);

  it('parses the SDK\'s bracket encoding into nested objects and arrays', () => {
    expect(parseStripeForm('a[b][0][c]=1&a[b][1][c]=2&m[k]=v&x=y')).toEqual({ a: { b: [{ c: '1' }, { c: '2' }] }, m: { k: 'v' }, x: 'y' });
  });

  it('creates, retrieves and expires a payment session with Stripe\'s fields, and sends checkout.session.expired', async () => {
    const created = await session('spec-session', 2345);
    expect(created).toMatchObject({
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 2345,
      currency: 'eur',
      metadata: { order_id: 'spec-session' },
      client_reference_id: 'spec-session',
      payment_intent: null,
      livemode: false,
      url: `${fake.url}/checkout/${created.id}`,
    });
    expect(created.id).toMatch(/^cs_test_/);
    expect(created.expires_at - created.created).toBe(24 * 3600);
    expect(await stripe.checkout.sessions.retrieve(created.id)).toMatchObject({ id: created.id, amount_total: 2345 });

    const expired = await stripe.checkout.sessions.expire(created.id, {}, { idempotencyKey: 'spec-expire' });
    expect(expired.status).toBe('expired');
    const [event] = await receiver.about(created.id, 1);
    expect(event).toMatchObject({ type: 'checkout.session.expired', object: 'event', livemode: false, request: { idempotency_key: 'spec-expire' } });
    expect(event!.request!.id).toBe(expired.lastResponse.requestId);
    await expect(stripe.checkout.sessions.expire(created.id, {}, { idempotencyKey: 'spec-expire-again' })).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(stripe.checkout.sessions.retrieve('cs_test_missing')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('refuses an expiry outside 30 minutes to 24 hours and an unknown payment method type', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(session('spec-expiry-short', 1500, { expires_at: now + 10 * 60 })).rejects.toMatchObject({ statusCode: 400, param: 'expires_at' });
    await expect(session('spec-expiry-long', 1500, { expires_at: now + 25 * 3600 })).rejects.toMatchObject({ statusCode: 400, param: 'expires_at' });
    expect((await session('spec-expiry-ok', 1500, { expires_at: now + 3600 })).expires_at).toBe(now + 3600);
    await expect(session('spec-bad-method', 1500, { allowed_payment_method_types: ['bitcoin' as 'card'] })).rejects.toMatchObject({ statusCode: 400, param: 'payment_method_types' });
    // A validation error saves nothing under its key, like Stripe: the same key works once corrected.
    expect(fake.objectsCreatedFor('spec-expiry-short')).toBe(0);
  });

  it('replays a request with the same idempotency key and refuses the key with other parameters', async () => {
    const first = await session('spec-key-1');
    const again = await session('spec-key-1');
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(fake.objectsCreatedFor('spec-key-1')).toBe(1);
    const conflict = session('spec-key-1', 2500);
    await expect(conflict).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    await expect(conflict).rejects.toMatchObject({ statusCode: 400, type: 'StripeIdempotencyError' });
    expect(fake.requests().filter((request) => request.idempotencyKey === 'spec-key-1').map((request) => [request.status, request.replayed])).toEqual([
      [200, false],
      [200, true],
      [400, false],
    ]);
    expect(fake.objectsCreatedFor('spec-key-1')).toBe(1);
  });

  it('completes a paid checkout: session paid, PaymentIntent and charge, three signed events in order', async () => {
    const created = await session('spec-paid', 1500);
    const { events, webhookStatuses } = await fake.completeCheckout(created.id, { method: 'card', cardBrand: 'mastercard' });
    expect(events.map((event) => event.type)).toEqual(['checkout.session.completed', 'payment_intent.succeeded', 'charge.succeeded']);
    expect(webhookStatuses).toEqual([200, 200, 200]);
    const paid = await stripe.checkout.sessions.retrieve(created.id);
    expect(paid).toMatchObject({ status: 'complete', payment_status: 'paid' });
    const intent = await stripe.paymentIntents.retrieve(String(paid.payment_intent));
    expect(intent).toMatchObject({ status: 'succeeded', amount: 1500, amount_received: 1500, metadata: { order_id: 'spec-paid' } });
    expect(intent.latest_charge).toMatch(/^ch_/);
    const method = await stripe.paymentMethods.retrieve(String(intent.payment_method));
    expect(method.card).toMatchObject({ brand: 'mastercard', last4: '4444' });
    const charge = (await receiver.about(String(intent.latest_charge), 1))[0]!.data.object as Stripe.Charge;
    expect(charge.payment_method_details?.card?.fingerprint).toBe(method.card!.fingerprint);
    expect((await receiver.about(created.id, 1))[0]!.type).toBe('checkout.session.completed');
    await expect(fake.completeCheckout(created.id)).rejects.toThrow(/complete/);
  });

  it('completes an async payment unpaid, then settles it as succeeded or failed; a decline sends nothing', async () => {
    const pending = await session('spec-async', 1800, { allowed_payment_method_types: ['sepa_debit'] });
    await fake.completeCheckout(pending.id, { method: 'sepa_debit', outcome: 'async_pending' });
    expect(await stripe.checkout.sessions.retrieve(pending.id)).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    expect((await stripe.paymentIntents.retrieve(await intentOf(pending.id))).status).toBe('processing');
    expect(await fake.settleAsync(pending.id, true)).toBe(200);
    expect((await receiver.about(pending.id, 2)).map((event) => event.type)).toEqual(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);
    expect(await stripe.paymentIntents.retrieve(await intentOf(pending.id))).toMatchObject({ status: 'succeeded', amount_received: 1800 });

    const failing = await session('spec-async-fail', 1800, { allowed_payment_method_types: ['sepa_debit'] });
    await fake.completeCheckout(failing.id, { method: 'sepa_debit', outcome: 'async_pending' });
    expect(await fake.settleAsync(failing.id, false)).toBe(200);
    expect((await receiver.about(failing.id, 2)).map((event) => event.type)).toEqual(['checkout.session.completed', 'checkout.session.async_payment_failed']);

    const declined = await session('spec-declined');
    expect(await fake.completeCheckout(declined.id, { outcome: 'declined' })).toEqual({ events: [], webhookStatuses: [] });
    expect((await stripe.checkout.sessions.retrieve(declined.id)).status).toBe('open');
  });

  it('charges a saved card off-session, or declines it as a StripeCardError with the PaymentIntent and a payment_failed event', async () => {
    const customer = await stripe.customers.create({ metadata: { account_id: 'a1' } }, { idempotencyKey: 'spec-customer' });
    expect(await stripe.customers.retrieve(customer.id)).toMatchObject({ id: customer.id, metadata: { account_id: 'a1' } });
    const charge = (key: string, paymentMethod: string) =>
      stripe.paymentIntents.create(
        { amount: 1500, currency: 'eur', customer: customer.id, payment_method: paymentMethod, off_session: true, confirm: true, metadata: { order_id: key } },
        { idempotencyKey: key },
      );
    const sca = fake.savePaymentMethod(customer.id, { behaviour: 'authentication_required' });
    const refused = await charge('spec-charge-sca', sca.id).catch((error: unknown) => error as Stripe.errors.StripeCardError);
    expect(refused).toMatchObject({ type: 'StripeCardError', statusCode: 402, code: 'authentication_required' });
    const refusedIntent = (refused as Stripe.errors.StripeCardError).payment_intent!;
    expect(refusedIntent).toMatchObject({ status: 'requires_action', metadata: { order_id: 'spec-charge-sca' } });
    expect((await receiver.about(refusedIntent.id, 1))[0]!.type).toBe('payment_intent.payment_failed');
    // The declined PaymentIntent exists; a retry with the key replays the decline and makes nothing new.
    await expect(charge('spec-charge-sca', sca.id)).rejects.toMatchObject({ code: 'authentication_required', payment_intent: { id: refusedIntent.id } });
    expect(fake.objectsCreatedFor('spec-charge-sca')).toBe(1);

    const poor = fake.savePaymentMethod(customer.id, { behaviour: 'insufficient_funds' });
    await expect(charge('spec-charge-poor', poor.id)).rejects.toMatchObject({ code: 'insufficient_funds', decline_code: 'insufficient_funds' });
    const stolen = fake.savePaymentMethod(customer.id, { behaviour: 'card_declined' });
    await expect(charge('spec-charge-declined', stolen.id)).rejects.toMatchObject({ code: 'card_declined' });

    const good = fake.savePaymentMethod(customer.id, { brand: 'mastercard' });
    const paid = await charge('spec-charge-ok', good.id);
    expect(paid).toMatchObject({ status: 'succeeded', amount_received: 1500 });
    expect((await receiver.about(paid.id, 1))[0]!.type).toBe('payment_intent.succeeded');
    expect((await stripe.paymentIntents.retrieve(paid.id)).latest_charge).toBe(paid.latest_charge);
  });

  it('refunds in part and in full, refuses more than remains, replays a refund key without a second refund', async () => {
    const created = await session('spec-refund', 1500);
    await fake.completeCheckout(created.id, { send: false });
    const paymentIntent = await intentOf(created.id);
    const part = await stripe.refunds.create({ payment_intent: paymentIntent, amount: 500, metadata: { order_id: 'spec-refund' } }, { idempotencyKey: 'spec-refund-1' });
    expect(part).toMatchObject({ object: 'refund', status: 'succeeded', amount: 500, payment_intent: paymentIntent, metadata: { order_id: 'spec-refund' } });
    expect(part.id).toMatch(/^re_/);
    const replay = await stripe.refunds.create({ payment_intent: paymentIntent, amount: 500, metadata: { order_id: 'spec-refund' } }, { idempotencyKey: 'spec-refund-1' });
    expect(replay.id).toBe(part.id);
    expect(fake.objectsCreatedFor('spec-refund-1')).toBe(1);
    await expect(stripe.refunds.create({ payment_intent: paymentIntent, amount: 1100 }, { idempotencyKey: 'spec-refund-2' })).rejects.toMatchObject({ statusCode: 400, code: 'amount_too_large' });
    const rest = await stripe.refunds.create({ payment_intent: paymentIntent }, { idempotencyKey: 'spec-refund-3' });
    expect(rest.amount).toBe(1000);
    await expect(stripe.refunds.create({ payment_intent: paymentIntent }, { idempotencyKey: 'spec-refund-4' })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'charge_already_refunded',
    });
    expect(await stripe.refunds.retrieve(rest.id)).toMatchObject({ id: rest.id, amount: 1000 });
    expect(fake.refunds().filter((refund) => refund.payment_intent === paymentIntent).map((refund) => refund.amount)).toEqual([500, 1000]);
    const charge = String((await stripe.paymentIntents.retrieve(paymentIntent)).latest_charge);
    const chargeEvents = await receiver.about(charge, 2);
    expect(chargeEvents.map((event) => [event.type, (event.data.object as Stripe.Charge).amount_refunded, (event.data.object as Stripe.Charge).refunded])).toEqual([
      ['charge.refunded', 500, false],
      ['charge.refunded', 1500, true],
    ]);
    expect((await receiver.about(part.id, 1))[0]!.type).toBe('refund.created');
  });

  it('opens and closes a dispute on a paid charge with signed events', async () => {
    const created = await session('spec-dispute', 2000);
    await fake.completeCheckout(created.id, { send: false });
    const paymentIntent = await intentOf(created.id);
    const opened = await fake.dispute(paymentIntent, { amount: 1200, reason: 'fraudulent' });
    expect(opened.status).toBe(200);
    expect(opened.disputeId).toMatch(/^dp_/);
    expect(await fake.closeDispute(opened.disputeId, 'lost')).toBe(200);
    const events = await receiver.about(opened.disputeId, 2);
    expect(events.map((event) => [event.type, (event.data.object as Stripe.Dispute).status, (event.data.object as Stripe.Dispute).amount])).toEqual([
      ['charge.dispute.created', 'needs_response', 1200],
      ['charge.dispute.closed', 'lost', 1200],
    ]);
    expect((events[0]!.data.object as Stripe.Dispute).payment_intent).toBe(paymentIntent);
    // Like Stripe, a charged-back payment cannot be refunded as well.
    await expect(stripe.refunds.create({ payment_intent: paymentIntent }, { idempotencyKey: 'spec-dispute-refund' })).rejects.toMatchObject({ statusCode: 400, code: 'charge_disputed' });
    await expect(fake.dispute(paymentIntent, { amount: 2001 })).rejects.toThrow(/outside/);
  });

  it('serves the hosted page in German with the amount and the session\'s methods; a button pays, Abbrechen returns', async () => {
    const created = await session('spec-page', 1234);
    const page = await fetch(created.url!);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('12,34 €');
    expect(html).toContain('value="card">Karte (Visa)');
    expect(html).toContain('value="card:mastercard">Karte (Mastercard)');
    expect(html).toContain('value="paypal">PayPal');
    expect(html).not.toContain('value="klarna"');
    expect(html).toContain('Abbrechen');
    const paid = await fetch(created.url!, { method: 'POST', body: new URLSearchParams({ method: 'paypal' }), redirect: 'manual' });
    expect([paid.status, paid.headers.get('location')]).toEqual([303, 'http://127.0.0.1/done']);
    expect(await stripe.checkout.sessions.retrieve(created.id)).toMatchObject({ status: 'complete', payment_status: 'paid' });
    const method = await stripe.paymentMethods.retrieve(String((await stripe.paymentIntents.retrieve(await intentOf(created.id))).payment_method));
    expect(method.type).toBe('paypal');
    expect((await fetch(created.url!)).status).toBe(410);
    const notOffered = await session('spec-page-klarna', 1234);
    expect((await fetch(notOffered.url!, { method: 'POST', body: new URLSearchParams({ method: 'klarna' }), redirect: 'manual' })).status).toBe(400);
    const mastercard = await fetch(notOffered.url!, { method: 'POST', body: new URLSearchParams({ method: 'card:mastercard' }), redirect: 'manual' });
    expect(mastercard.status).toBe(303);
    const card = await stripe.paymentMethods.retrieve(String((await stripe.paymentIntents.retrieve(await intentOf(notOffered.id))).payment_method));
    expect(card.card).toMatchObject({ brand: 'mastercard', last4: '4444' });

    const other = await session('spec-page-cancel', 1234);
    const cancelled = await fetch(other.url!, { method: 'POST', body: new URLSearchParams({ cancel: '1' }), redirect: 'manual' });
    expect([cancelled.status, cancelled.headers.get('location')]).toEqual([303, 'http://127.0.0.1/cancelled']);
    expect((await stripe.checkout.sessions.retrieve(other.id)).status).toBe('open');
    expect((await fetch(`${fake.url}/checkout/cs_test_missing`)).status).toBe(404);
  });

  it('saves a card in setup mode through the page: setup intent and payment method retrievable, checkout.session.completed sent', async () => {
    const customer = await stripe.customers.create({}, { idempotencyKey: 'spec-setup-customer' });
    const setup = await stripe.checkout.sessions.create(
      {
        mode: 'setup',
        currency: 'eur',
        customer: customer.id,
        allowed_payment_method_types: ['card'],
        metadata: { setup_reference: 'ref-1' },
        setup_intent_data: { metadata: { setup_reference: 'ref-1' } },
        success_url: 'http://127.0.0.1/saved',
      },
      { idempotencyKey: 'spec-setup' },
    );
    expect(await (await fetch(setup.url!)).text()).toContain('Karte speichern');
    const saved = await fetch(setup.url!, { method: 'POST', body: new URLSearchParams({ method: 'card' }), redirect: 'manual' });
    expect([saved.status, saved.headers.get('location')]).toEqual([303, 'http://127.0.0.1/saved']);
    const [completed] = await receiver.about(setup.id, 1);
    const session = completed!.data.object as Stripe.Checkout.Session;
    expect(session).toMatchObject({ mode: 'setup', status: 'complete', metadata: { setup_reference: 'ref-1' } });
    const intent = await stripe.setupIntents.retrieve(String(session.setup_intent));
    expect(intent).toMatchObject({ status: 'succeeded', customer: customer.id, usage: 'off_session', metadata: { setup_reference: 'ref-1' } });
    const method = await stripe.paymentMethods.retrieve(String(intent.payment_method));
    expect(method).toMatchObject({ type: 'card', customer: customer.id, card: { brand: 'visa', last4: '4242' } });
    expect(method.card!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    // The saved card charges off-session.
    const paid = await stripe.paymentIntents.create(
      { amount: 900, currency: 'eur', customer: customer.id, payment_method: method.id, off_session: true, confirm: true },
      { idempotencyKey: 'spec-setup-charge' },
    );
    expect(paid.status).toBe('succeeded');
  });

  it('answers injected failures: a 500, a hanging request the SDK gives up on, a reset connection the SDK retries with the same key', async () => {
    fake.failNext({ method: 'POST', path: '/v1/customers' }, { status: 500, error: { type: 'api_error', message: 'boom' } });
    await expect(stripe.customers.create({}, { idempotencyKey: 'spec-fail-1' })).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    fake.failNext({ path: /^\/v1\/refunds/ }, { status: 429, error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests' } });
    await expect(stripe.refunds.create({ payment_intent: 'pi_x' }, { idempotencyKey: 'spec-fail-429' })).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    fake.failNext({ path: '/v1/customers' }, 'timeout');
    const started = Date.now();
    await expect(stripe.customers.create({}, { idempotencyKey: 'spec-fail-2' })).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    fake.failNext({ path: '/v1/customers' }, 'reset');
    expect((await stripe.customers.create({}, { idempotencyKey: 'spec-fail-3' })).id).toMatch(/^cus_/);
    const tries = fake.requests().filter((request) => request.idempotencyKey === 'spec-fail-3');
    expect(tries.map((request) => request.status)).toEqual([0, 200]);
    expect(fake.objectsCreatedFor('spec-fail-3')).toBe(1);
    // An injected failure ran nothing: the key is still free.
    expect(fake.objectsCreatedFor('spec-fail-1')).toBe(0);
  });

  it('retries a failed delivery a bounded number of times and reports each status', async () => {
    const signed = fake.event('charge.succeeded', { id: 'ch_retry', object: 'charge' }, { id: 'evt_retry_1' });
    receiver.answers = [500, 503];
    expect(await fake.send(signed)).toBe(200);
    receiver.answers = [500, 500, 500, 500];
    const before = receiver.deliveries.length;
    expect(await fake.send(signed)).toBe(500);
    expect(receiver.deliveries.length - before).toBe(3);
    receiver.answers = [];
    expect(JSON.parse(signed.payload)).toMatchObject({ id: 'evt_retry_1', type: 'charge.succeeded', pending_webhooks: 1, data: { object: { id: 'ch_retry' } } });
  });

  it('signs with the fake\'s clock, so a moved clock makes the signature stale for the SDK', () => {
    clock = new Date(Date.now() - 3600_000);
    const stale = fake.event('payment_intent.succeeded', { id: 'pi_stale', object: 'payment_intent' });
    expect(JSON.parse(stale.payload).created).toBe(Math.floor(clock.getTime() / 1000));
    expect(() => stripe.webhooks.constructEvent(stale.payload, stale.header, SECRET)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(stripe.webhooks.constructEvent(stale.payload, stale.header, SECRET, 300, undefined, clock.getTime()).id).toBe(JSON.parse(stale.payload).id);
  });

  it('closes a held request when it stops, and refuses to settle a payment that is not pending', async () => {
    const other = await startStripeFake({ webhookSecret: SECRET });
    other.failNext({ path: '/v1/customers' }, 'timeout');
    const held = fetch(`${other.url}/v1/customers`, { method: 'POST', headers: { authorization: 'Bearer sk_test_x' } });
    while (other.requests().length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await other.stop();
    await expect(held).rejects.toThrow();

    const paid = await session('spec-settle-paid');
    await fake.completeCheckout(paid.id, { send: false });
    await expect(fake.settleAsync(paid.id, true)).rejects.toThrow(/not processing/);
  });

  it('answers 401 to another API key when one is configured', async () => {
    const strict = await startStripeFake({ webhookSecret: SECRET, apiKey: 'sk_test_right' });
    try {
      const wrong = new Stripe('sk_test_wrong', { host: strict.host, port: strict.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
      await expect(wrong.customers.create({})).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      const right = new Stripe('sk_test_right', { host: strict.host, port: strict.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false });
      expect((await right.customers.create({})).id).toMatch(/^cus_/);
      expect(strict.requests().map((request) => request.status)).toEqual([401, 200]);
    } finally {
      await strict.stop();
    }
  });
});
