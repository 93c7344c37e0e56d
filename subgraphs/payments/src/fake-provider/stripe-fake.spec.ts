import Stripe from 'stripe';
import { parseStripeForm, startStripeFake } from './stripe-fake';
import type { StripeFake } from './stripe-fake';

const SECRET = 'whsec_fake_spec_0123456789abcdef';

/** The fake answers the real SDK like Stripe does, so what passes against it passes the SDK's own parsing. */
describe('the local Stripe fake, driven by the real SDK', () => {
  let fake: StripeFake;
  let stripe: Stripe;

  beforeAll(async () => {
    fake = await startStripeFake({ webhookSecret: SECRET });
    stripe = new Stripe('sk_test_fake_spec_key', { host: fake.host, port: fake.port, protocol: 'http', maxNetworkRetries: 0, timeout: 1000, telemetry: false });
  });
  afterAll(() => fake?.stop());

  const session = (key: string, amount = 1500) =>
    stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: amount, product_data: { name: 'Guthaben' } } }],
        allowed_payment_method_types: ['card', 'paypal'],
        metadata: { order_id: key },
        success_url: 'http://127.0.0.1/done',
      },
      { idempotencyKey: key },
    );

  it('parses the SDK\'s bracket encoding into nested objects and arrays', () => {
    expect(parseStripeForm('a[b][0][c]=1&a[b][1][c]=2&m[k]=v&x=y')).toEqual({ a: { b: [{ c: '1' }, { c: '2' }] }, m: { k: 'v' }, x: 'y' });
  });

  it('replays a request with the same idempotency key and refuses the key with other parameters', async () => {
    const first = await session('spec-key-1');
    const again = await session('spec-key-1');
    expect(again.id).toBe(first.id);
    expect(first.amount_total).toBe(1500);
    expect(fake.objectsCreatedFor('spec-key-1')).toBe(1);
    await expect(session('spec-key-1', 2500)).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('declines an off-session charge the way the saved card says, as a StripeCardError with its code', async () => {
    const customer = await stripe.customers.create({}, { idempotencyKey: 'spec-customer' });
    const card = fake.savePaymentMethod(customer.id, { behaviour: 'authentication_required' });
    const charge = stripe.paymentIntents.create(
      { amount: 1500, currency: 'eur', customer: customer.id, payment_method: card.id, off_session: true, confirm: true },
      { idempotencyKey: 'spec-charge-1' },
    );
    await expect(charge).rejects.toMatchObject({ type: 'StripeCardError', code: 'authentication_required' });
    const good = fake.savePaymentMethod(customer.id);
    const paid = await stripe.paymentIntents.create(
      { amount: 1500, currency: 'eur', customer: customer.id, payment_method: good.id, off_session: true, confirm: true },
      { idempotencyKey: 'spec-charge-2' },
    );
    expect(paid.status).toBe('succeeded');
  });

  it('refunds a payment once and refuses a second full refund', async () => {
    const created = await session('spec-refund');
    const { events } = await fake.completeCheckout(created.id, { send: false });
    const completed = JSON.parse(events[0]!.payload) as { data: { object: { payment_intent: string } } };
    // The events carry Stripe's signature: the SDK verifies them.
    expect(stripe.webhooks.constructEvent(events[0]!.payload, events[0]!.header, SECRET).type).toBe('checkout.session.completed');
    const refund = await stripe.refunds.create({ payment_intent: completed.data.object.payment_intent }, { idempotencyKey: 'spec-refund-1' });
    expect(refund).toMatchObject({ status: 'succeeded', amount: 1500 });
    await expect(stripe.refunds.create({ payment_intent: completed.data.object.payment_intent }, { idempotencyKey: 'spec-refund-2' })).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'charge_already_refunded',
    });
    expect(fake.refunds()).toHaveLength(1);
  });

  it('answers injected failures: a 500, a hanging request the SDK gives up on, a reset connection the SDK retries with the same key', async () => {
    fake.failNext({ method: 'POST', path: '/v1/customers' }, { status: 500, error: { type: 'api_error', message: 'boom' } });
    await expect(stripe.customers.create({}, { idempotencyKey: 'spec-fail-1' })).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    fake.failNext({ path: '/v1/customers' }, 'timeout');
    await expect(stripe.customers.create({}, { idempotencyKey: 'spec-fail-2' })).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    fake.failNext({ path: '/v1/customers' }, 'reset');
    expect((await stripe.customers.create({}, { idempotencyKey: 'spec-fail-3' })).id).toMatch(/^cus_/);
    const tries = fake.requests().filter((request) => request.idempotencyKey === 'spec-fail-3');
    expect(tries.map((request) => request.status)).toEqual([0, 200]);
    expect(fake.objectsCreatedFor('spec-fail-3')).toBe(1);
  });
});
