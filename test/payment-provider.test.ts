import Stripe from 'stripe';
import { eventually } from '../subgraphs/common/src/testing/eventually';
import { errorCode } from '../subgraphs/common/src/testing/graphql-client';
import { DEMO_ACCOUNTS } from '../subgraphs/accounts/src/services/demo-data.service';
import { PAYMENT_WEBHOOK_PATH, STRIPE_SIGNATURE_HEADER } from '../subgraphs/payments/src/services/payment-webhook.service';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

const demo = (brand: string, withCredit = true) => DEMO_ACCOUNTS.find((account) => account.brandCode === brand && (account.topUpCents > 0) === withCredit)!;

interface Order {
  id: string;
  status: string;
  paymentUrl: string | null;
  refundReason: string | null;
  paymentMethod: string | null;
}

/**
 * Issue 17 end to end: the real Stripe SDK in payments talks to the local Stripe fake, which sends
 * signed webhooks back; everything else is the federated stack through the gateway.
 */
describe('payments through the provider (Stripe SDK against the local fake)', () => {
  let stack: TestStack;
  let operator: string;
  let admin: string;
  let service: string;

  const query = async <T>(token: string, text: string, variables: Record<string, unknown> = {}) => stack.query<T>(token, text, variables);

  const balanceOf = async (accountId: string): Promise<number> => {
    const response = await query<{ account: { balance: { cents: number } } }>(operator, 'query($id: ID!) { account(id: $id) { balance { cents } } }', { id: accountId });
    expect(response.errors).toBeUndefined();
    return response.data!.account.balance.cents;
  };

  /** Every balance equals the sum of its ledger, and no reference is booked twice. */
  const ledgerOf = async (accountId: string) => {
    const response = await query<{ account: { balance: { cents: number }; ledger: { edges: { node: { reference: string; kind: string; amount: { cents: number } } }[] } } }>(
      operator,
      'query($id: ID!) { account(id: $id) { balance { cents } ledger(first: 100) { edges { node { reference kind amount { cents } } } } } }',
      { id: accountId },
    );
    expect(response.errors).toBeUndefined();
    const entries = response.data!.account.ledger.edges.map((edge) => edge.node);
    expect(entries.reduce((sum, entry) => sum + entry.amount.cents, 0)).toBe(response.data!.account.balance.cents);
    expect(new Set(entries.map((entry) => entry.reference)).size).toBe(entries.length);
    return entries;
  };

  const order = async (id: string): Promise<Order> => {
    const response = await query<{ topUp: Order }>(operator, 'query($id: ID!) { topUp(id: $id) { id status paymentUrl refundReason paymentMethod } }', { id });
    expect(response.errors).toBeUndefined();
    return response.data!.topUp;
  };

  const notices = async (accountId: string): Promise<{ kind: string; message: string }[]> => {
    const response = await query<{ account: { notifications: { kind: string; message: string }[] } }>(
      operator,
      'query($id: ID!) { account(id: $id) { notifications(first: 50) { kind message } } }',
      { id: accountId },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.account.notifications;
  };

  const createTopUp = (token: string, accountId: string, amountCents: number, idempotencyKey: string, channel = 'APP_WEB') =>
    query<{ createTopUp: Order }>(token, 'mutation($input: CreateTopUpInput!) { createTopUp(input: $input) { id status paymentUrl refundReason paymentMethod } }', {
      input: { accountId, amountCents, channel, idempotencyKey },
    });

  /** Opens our payment link like a browser: it redirects to the provider's checkout. Returns the session id. */
  const openLink = async (paymentUrl: string): Promise<string> => {
    const response = await fetch(paymentUrl.replace(/^http:\/\/localhost:\d+/, stack.paymentsBase), { redirect: 'manual' });
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location.startsWith(stack.stripe.url)).toBe(true);
    return /\/checkout\/([\w-]+)$/.exec(location)![1]!;
  };

  const postEvent = (payload: string, header: string | undefined) =>
    fetch(`${stack.paymentsBase}${PAYMENT_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header ? { [STRIPE_SIGNATURE_HEADER]: header } : {}) },
      body: payload,
    });

  const sessionObject = async (sessionId: string): Promise<Record<string, unknown>> => {
    const response = await fetch(`${stack.stripe.url}/v1/checkout/sessions/${sessionId}`, { headers: { authorization: `Bearer ${stack.config.payments.stripe.secretKey}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  };

  const paidSession = async (sessionId: string, paymentIntent: string) => ({
    ...(await sessionObject(sessionId)),
    status: 'complete',
    payment_status: 'paid',
    payment_intent: paymentIntent,
  });

  const refundsFor = (orderId: string) => stack.stripe.refunds().filter((refund) => (refund.metadata as Record<string, string> | undefined)?.order_id === orderId);

  beforeAll(async () => {
    stack = await startTestStack({ OUTBOX_POLL_MS: '50', TOP_UP_DAILY_MAXIMUM_CENTS: '30000', BALANCE_MAXIMUM_CENTS: '25000' });
    await stack.seedDemoData();
    operator = await stack.token({ role: 'operator' });
    admin = await stack.token({ role: 'admin' });
    service = await stack.token({ role: 'service' });
  });
  afterAll(() => stack?.stop());

  it('pays through the provider checkout and credits once', async () => {
    const customer = demo('CONGSTAR');
    const token = await stack.token({ role: 'customer', account_id: customer.id });
    const before = await balanceOf(customer.id);
    const created = await createTopUp(token, customer.id, 1500, 'provider-pay-0001');
    expect(created.errors).toBeUndefined();
    const sessionId = await openLink(created.data!.createTopUp.paymentUrl!);
    // Opening the link again reuses the session: one checkout per order.
    expect(await openLink(created.data!.createTopUp.paymentUrl!)).toBe(sessionId);
    expect(stack.stripe.objectsCreatedFor(`checkout:${created.data!.createTopUp.id}`)).toBe(1);

    const completed = await stack.stripe.completeCheckout(sessionId, { method: 'card', cardBrand: 'visa' });
    expect(completed.webhookStatuses.every((status) => status === 200)).toBe(true);
    await eventually(async () => (await order(created.data!.createTopUp.id)).status === 'CREDITED', 'the credit');
    expect(await balanceOf(customer.id)).toBe(before + 1500);
    expect((await ledgerOf(customer.id)).filter((entry) => entry.reference === created.data!.createTopUp.id)).toHaveLength(1);

    const done = await fetch(`${created.data!.createTopUp.paymentUrl!.replace(/^http:\/\/localhost:\d+/, stack.paymentsBase)}/done`);
    expect(await done.text()).toContain('Ihr Guthaben ist aufgeladen');
  });

  it('refunds once, credits nothing and tells the customer when the contract ended between order and payment', async () => {
    const customer = demo('FONIC');
    const token = await stack.token({ role: 'customer', account_id: customer.id });
    const before = await balanceOf(customer.id);
    const created = await createTopUp(token, customer.id, 2000, 'provider-ended-0001');
    expect(created.errors).toBeUndefined();
    const orderId = created.data!.createTopUp.id;
    const sessionId = await openLink(created.data!.createTopUp.paymentUrl!);

    const ended = await query(service, 'mutation($id: ID!) { terminateAccount(accountId: $id, initiatedBy: CUSTOMER) { status } }', { id: customer.id });
    expect(ended.errors).toBeUndefined();
    // The link itself now refuses, before any money moves.
    const link = await fetch(created.data!.createTopUp.paymentUrl!.replace(/^http:\/\/localhost:\d+/, stack.paymentsBase), { redirect: 'manual' });
    expect(link.status).toBe(409);

    // The customer had the provider's page open already and pays there.
    await stack.stripe.completeCheckout(sessionId, { method: 'paypal' });
    await eventually(async () => (await order(orderId)).status === 'REFUNDED', 'the refund');
    expect(refundsFor(orderId)).toHaveLength(1);
    expect(refundsFor(orderId)[0]!.amount).toBe(2000);
    expect(stack.stripe.objectsCreatedFor(`refund:${orderId}`)).toBe(1);
    expect((await order(orderId)).refundReason).toMatch(/SIM_INACTIVE/);
    expect(await balanceOf(customer.id)).toBe(before);
    expect((await ledgerOf(customer.id)).some((entry) => entry.reference === orderId)).toBe(false);
    const told = await eventually(async () => (await notices(customer.id)).find((notice) => notice.kind === 'TOP_UP_REFUNDED'), 'the refund notice');
    expect(told.message).toContain('20,00');
    expect(told.message).toContain('erstatten');

    // No new order, and no stored-method charge, for an account whose contract ended.
    const again = await createTopUp(token, customer.id, 1500, 'provider-ended-0002');
    expect(errorCode(again)).toBe('SIM_INACTIVE');
  });

  it('refuses amounts outside the limits with coded errors and creates no order; 2^53 leaves the account readable', async () => {
    const customer = demo('TELEKOM', false);
    const token = await stack.token({ role: 'customer', account_id: customer.id });
    const ordersBefore = await query<{ account: { topUps: { nodes: unknown[] } } }>(operator, 'query($id: ID!) { account(id: $id) { topUps(first: 100) { nodes { id } } } }', {
      id: customer.id,
    });
    const tooMuch = await createTopUp(token, customer.id, 20_001, 'limit-0001');
    expect(errorCode(tooMuch)).toBe('LIMIT_EXCEEDED');
    expect(tooMuch.errors![0]!.extensions!.limit).toBe('MAXIMUM_TOP_UP');
    const huge = await createTopUp(token, customer.id, Number.MAX_SAFE_INTEGER, 'limit-0002');
    expect(errorCode(huge)).toBe('LIMIT_EXCEEDED');
    expect(await balanceOf(customer.id)).toBe(0);

    // A canceled order's checkout was already open; it is paid after the day has been filled.
    const canceled = (await createTopUp(token, customer.id, 15_000, 'limit-day-late')).data!.createTopUp;
    const lateSession = await openLink(canceled.paymentUrl!);
    expect((await query(token, 'mutation($id: ID!) { cancelTopUp(id: $id) { status } }', { id: canceled.id })).errors).toBeUndefined();

    // Daily sum: 30 000 ct a day in this stack; pending orders count.
    for (const key of ['limit-day-1', 'limit-day-2']) expect((await createTopUp(token, customer.id, 15_000, key)).errors).toBeUndefined();
    const overDay = await createTopUp(token, customer.id, 100, 'limit-day-3');
    expect(errorCode(overDay)).toBe('LIMIT_EXCEEDED');
    expect(overDay.errors![0]!.extensions!.limit).toBe('DAILY_MAXIMUM');

    const ordersAfter = await query<{ account: { topUps: { nodes: unknown[] } } }>(operator, 'query($id: ID!) { account(id: $id) { topUps(first: 100) { nodes { id } } } }', {
      id: customer.id,
    });
    expect(ordersAfter.data!.account.topUps.nodes.length).toBe(ordersBefore.data!.account.topUps.nodes.length + 3);

    // Paid late, it would pass the day's limit: refunded, not credited.
    await stack.stripe.completeCheckout(lateSession, { method: 'paypal' });
    await eventually(async () => (await order(canceled.id)).status === 'REFUNDED', 'the late payment refunded');
    expect((await order(canceled.id)).refundReason).toMatch(/DAILY_MAXIMUM/);
    expect(refundsFor(canceled.id).map((refund) => refund.amount)).toEqual([15_000]);

    // The ledger itself refuses a posting outside its range before it commits.
    const ledgerCredit = await query(service, 'mutation($input: LedgerCreditInput!) { creditAccount(input: $input) { replayed } }', {
      input: { accountId: customer.id, amountCents: Number.MAX_SAFE_INTEGER, kind: 'ADJUSTMENT', reference: 'limit-ledger-1', reason: 'probe' },
    });
    expect(errorCode(ledgerCredit)).toBe('LIMIT_EXCEEDED');
    expect(await balanceOf(customer.id)).toBe(0);
    await ledgerOf(customer.id);
  });

  it('refunds instead of crediting when the ledger finds the balance maximum passed', async () => {
    const customer = demo('O2');
    const token = await stack.token({ role: 'customer', account_id: customer.id });
    const before = await balanceOf(customer.id);
    const orders: Order[] = [];
    for (const key of ['balance-max-1', 'balance-max-2']) {
      const created = await createTopUp(token, customer.id, 10_000, key);
      expect(created.errors).toBeUndefined();
      orders.push(created.data!.createTopUp);
    }
    // Each fits the balance on its own; all three paid would take it past 250 €.
    const sessions = [];
    for (const created of orders) sessions.push(await openLink(created.paymentUrl!));
    const third = await createTopUp(token, customer.id, 10_000, 'balance-max-3');
    expect(third.errors).toBeUndefined();
    const thirdSession = await openLink(third.data!.createTopUp.paymentUrl!);
    for (const sessionId of [...sessions, thirdSession]) await stack.stripe.completeCheckout(sessionId, { method: 'card', cardBrand: 'mastercard' });
    const ids = [...orders.map((created) => created.id), third.data!.createTopUp.id];
    const finals = await eventually(async () => {
      const states = await Promise.all(ids.map(async (id) => (await order(id)).status));
      return states.every((state) => state === 'CREDITED' || state === 'REFUNDED') ? states : null;
    }, 'every order settled');
    const credited = finals.filter((state) => state === 'CREDITED').length;
    expect(credited).toBe(2);
    expect(before + credited * 10_000).toBeLessThanOrEqual(25_000);
    expect(finals.filter((state) => state === 'REFUNDED').length).toBe(1);
    expect(await balanceOf(customer.id)).toBe(before + credited * 10_000);
    for (const id of ids) expect(refundsFor(id)).toHaveLength(finals[ids.indexOf(id)] === 'REFUNDED' ? 1 : 0);
    await ledgerOf(customer.id);
  });

  it('credits once for 20 concurrent duplicate webhooks and refuses unsigned, stale and forged ones', async () => {
    const customer = demo('EDEKA_SMART');
    const token = await stack.token({ role: 'customer', account_id: customer.id });
    const before = await balanceOf(customer.id);
    const created = await createTopUp(token, customer.id, 2500, 'provider-storm-0001');
    const orderId = created.data!.createTopUp.id;
    const sessionId = await openLink(created.data!.createTopUp.paymentUrl!);
    const event = stack.stripe.event('checkout.session.completed', await paidSession(sessionId, 'pi_storm_0001'));

    expect((await postEvent(event.payload, undefined)).status).toBe(400);
    expect((await postEvent(event.payload.replace('2500', '9999'), event.header)).status).toBe(400);
    const stale = Stripe.webhooks.generateTestHeaderString({
      payload: event.payload,
      secret: stack.config.payments.stripe.webhookSecret,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect((await postEvent(event.payload, stale)).status).toBe(400);
    expect((await order(orderId)).status).toBe('PENDING');

    const answers = await Promise.all(Array.from({ length: 20 }, () => postEvent(event.payload, event.header)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    const outcomes = await Promise.all(answers.map(async (answer) => ((await answer.json()) as { outcome: string }).outcome));
    expect(outcomes.filter((outcome) => outcome === 'APPLIED_PAID')).toHaveLength(1);
    await eventually(async () => (await order(orderId)).status === 'CREDITED', 'the credit');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await balanceOf(customer.id)).toBe(before + 2500);
    expect((await ledgerOf(customer.id)).filter((entry) => entry.reference === orderId)).toHaveLength(1);
  });

  it('ends right when events come out of order: a refund before the success credits nothing, a failure before it credits once', async () => {
    const customer = demo('VODAFONE_CALLYA');
    const token = await stack.token({ role: 'customer', account_id: customer.id });
    const before = await balanceOf(customer.id);

    const refundedFirst = (await createTopUp(token, customer.id, 1500, 'order-refund-first')).data!.createTopUp;
    const refundedSession = await openLink(refundedFirst.paymentUrl!);
    const refund = stack.stripe.event('charge.refunded', {
      id: 'ch_refund_first',
      object: 'charge',
      amount: 1500,
      amount_refunded: 1500,
      refunded: true,
      currency: 'eur',
      payment_intent: 'pi_refund_first',
      metadata: { order_id: refundedFirst.id },
      refunds: { object: 'list', data: [{ id: 're_refund_first', object: 'refund', amount: 1500, status: 'succeeded' }] },
    });
    expect((await postEvent(refund.payload, refund.header)).status).toBe(200);
    const success = stack.stripe.event('checkout.session.completed', await paidSession(refundedSession, 'pi_refund_first'));
    expect((await postEvent(success.payload, success.header)).status).toBe(200);
    expect((await order(refundedFirst.id)).status).toBe('REFUNDED');

    const failedFirst = (await createTopUp(token, customer.id, 1500, 'order-failed-first')).data!.createTopUp;
    const failedSession = await openLink(failedFirst.paymentUrl!);
    const failure = stack.stripe.event('payment_intent.payment_failed', {
      id: 'pi_failed_first',
      object: 'payment_intent',
      amount: 1500,
      currency: 'eur',
      status: 'requires_payment_method',
      metadata: { order_id: failedFirst.id },
      last_payment_error: { code: 'card_declined', message: 'declined' },
    });
    expect((await postEvent(failure.payload, failure.header)).status).toBe(200);
    expect((await order(failedFirst.id)).status).toBe('FAILED');
    const late = stack.stripe.event('checkout.session.completed', await paidSession(failedSession, 'pi_failed_first'));
    expect((await postEvent(late.payload, late.header)).status).toBe(200);
    await eventually(async () => (await order(failedFirst.id)).status === 'CREDITED', 'the late success');

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await balanceOf(customer.id)).toBe(before + 1500);
    const entries = await ledgerOf(customer.id);
    expect(entries.filter((entry) => entry.reference === refundedFirst.id)).toHaveLength(0);
    expect(entries.filter((entry) => entry.reference === failedFirst.id)).toHaveLength(1);
  });

  it('lets an admin refund a credited top-up: ledger first, provider once; refused when the credit is spent', async () => {
    const customer = demo('ALDI_TALK', false);
    const token = await stack.token({ role: 'customer', account_id: customer.id });
    const created = (await createTopUp(token, customer.id, 1500, 'operator-refund-1')).data!.createTopUp;
    await stack.stripe.completeCheckout(await openLink(created.paymentUrl!), { method: 'card', cardBrand: 'visa' });
    await eventually(async () => (await order(created.id)).status === 'CREDITED', 'the credit');
    const refund = (id: string) =>
      query<{ refundTopUp: Order }>(admin, 'mutation($id: ID!) { refundTopUp(id: $id, reason: "customer changed their mind") { id status refundReason } }', { id });
    expect(errorCode(await query(operator, 'mutation($id: ID!) { refundTopUp(id: $id, reason: "x") { id } }', { id: created.id }))).toBe('FORBIDDEN');

    const first = await refund(created.id);
    expect(first.errors).toBeUndefined();
    await eventually(async () => (await order(created.id)).status === 'REFUNDED', 'the refund');
    const replay = await refund(created.id);
    expect(replay.data!.refundTopUp.status).toBe('REFUNDED');
    expect(refundsFor(created.id)).toHaveLength(1);
    expect(await balanceOf(customer.id)).toBe(0);
    const entries = await ledgerOf(customer.id);
    expect(entries.filter((entry) => entry.kind === 'TOP_UP_REFUND')).toEqual([expect.objectContaining({ reference: `top-up-refund:${created.id}`, amount: { cents: -1500 } })]);

    // Spent credit: nothing changes.
    const second = (await createTopUp(token, customer.id, 1500, 'operator-refund-2')).data!.createTopUp;
    await stack.stripe.completeCheckout(await openLink(second.paymentUrl!), { method: 'paypal' });
    await eventually(async () => (await order(second.id)).status === 'CREDITED', 'the second credit');
    const spent = await query(service, 'mutation($input: LedgerDebitInput!) { debitAccount(input: $input) { replayed } }', {
      input: { accountId: customer.id, amountCents: 1000, kind: 'ADJUSTMENT', reference: 'spent-1', reason: 'used' },
    });
    expect(spent.errors).toBeUndefined();
    const refused = await refund(second.id);
    expect(errorCode(refused)).toBe('INSUFFICIENT_CREDIT');
    expect((await order(second.id)).status).toBe('CREDITED');
    expect(refundsFor(second.id)).toHaveLength(0);
    expect(await balanceOf(customer.id)).toBe(500);
  });

  it('records a chargeback: the credit left is taken back, the rest is owed, and the method is blocked', async () => {
    const customer = demo('BLAU', false);
    const token = await stack.token({ role: 'customer', account_id: customer.id });
    const created = (await createTopUp(token, customer.id, 2000, 'chargeback-1')).data!.createTopUp;
    const completed = await stack.stripe.completeCheckout(await openLink(created.paymentUrl!), { method: 'card', cardBrand: 'visa' });
    expect(completed.webhookStatuses.every((status) => status === 200)).toBe(true);
    await eventually(async () => (await order(created.id)).status === 'CREDITED', 'the credit');
    const use = await query(service, 'mutation($input: LedgerDebitInput!) { debitAccount(input: $input) { replayed } }', {
      input: { accountId: customer.id, amountCents: 1200, kind: 'ADJUSTMENT', reference: 'chargeback-use-1', reason: 'used' },
    });
    expect(use.errors).toBeUndefined();
    const completedEvent = completed.events.find((event) => event.type === 'checkout.session.completed')!;
    const intentId = (JSON.parse(completedEvent.payload) as { data: { object: { payment_intent: string } } }).data.object.payment_intent;
    expect(intentId).toMatch(/^pi_/);
    await stack.stripe.dispute(intentId, { reason: 'fraudulent' });
    const dispute = await eventually(async () => {
      const response = await query<{ paymentDisputes: { orderId: string; recovered: { cents: number }; owed: { cents: number }; status: string }[] }>(
        operator,
        '{ paymentDisputes(status: "OPEN") { orderId status recovered { cents } owed { cents } } }',
      );
      const found = response.data?.paymentDisputes.find((candidate) => candidate.orderId === created.id);
      return found && found.recovered.cents > 0 ? found : null;
    }, 'the recovered credit');
    expect(dispute).toEqual({ orderId: created.id, status: 'OPEN', recovered: { cents: 800 }, owed: { cents: 1200 } });
    expect(await balanceOf(customer.id)).toBe(0);
    await ledgerOf(customer.id);

    // The card is blocked for this account: the next checkout offers no card.
    const next = (await createTopUp(token, customer.id, 1500, 'chargeback-2')).data!.createTopUp;
    await openLink(next.paymentUrl!);
    const checkoutRequest = stack.stripe
      .requests()
      .filter((request) => request.path === '/v1/checkout/sessions' && (request.params as { metadata?: { order_id?: string } }).metadata?.order_id === next.id)
      .at(-1)!;
    expect((checkoutRequest.params as { allowed_payment_method_types: string[] }).allowed_payment_method_types).not.toContain('card');
  });

});
