import { eventually } from '../subgraphs/common/src/testing/eventually';
import { randomUUID } from 'node:crypto';
import { hmacSha256Hex } from '../subgraphs/common/src/hmac';
import { errorCode } from '../subgraphs/common/src/testing/graphql-client';
import { DEMO_ACCOUNTS } from '../subgraphs/accounts/src/services/demo-data.service';
import { WHATSAPP_WEBHOOK_PATH } from '../subgraphs/payments/src/payments.subgraph';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

const demo = (brand: string, withCredit = true) => DEMO_ACCOUNTS.find((account) => account.brandCode === brand && (account.topUpCents > 0) === withCredit)!;


describe('top-ups end to end', () => {
  let stack: TestStack;
  let paymentsBase: string;
  let service: string;
  let operator: string;

  const balanceOf = async (accountId: string): Promise<number> => {
    const response = await stack.query<{ account: { balance: { cents: number } } }>(
      operator,
      'query($id: ID!) { account(id: $id) { balance { cents } } }',
      { id: accountId },
    );
    return response.data!.account.balance.cents;
  };

  const ledgerReferences = async (accountId: string): Promise<{ reference: string; amount: { cents: number } }[]> => {
    const response = await stack.query<{ account: { ledger: { edges: { node: { reference: string; amount: { cents: number } } }[] } } }>(
      operator,
      'query($id: ID!) { account(id: $id) { ledger(first: 100) { edges { node { reference amount { cents } } } } } }',
      { id: accountId },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.account.ledger.edges.map((edge) => edge.node);
  };

  const order = async (id: string) => {
    const response = await stack.query<{ topUp: { status: string; paymentUrl: string | null; amount: { cents: number } } }>(
      operator,
      'query($id: ID!) { topUp(id: $id) { status paymentUrl amount { cents } } }',
      { id },
    );
    return response.data?.topUp;
  };

  const whatsApp = (from: string, text: string, messageId = `wamid.${randomUUID()}`) => {
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'waba-1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '491708828422', phone_number_id: 'pn-1' },
                messages: [{ from: from.replace('+', ''), id: messageId, timestamp: '1700000000', type: 'text', text: { body: text } }],
              },
            },
          ],
        },
      ],
    });
    return fetch(`${paymentsBase}${WHATSAPP_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${hmacSha256Hex(stack.config.payments.whatsAppAppSecret, body)}` },
      body,
    });
  };

  const conversation = async (msisdn: string) => {
    const response = await stack.query<{ whatsAppConversation: { direction: string; text: string; orderId: string | null }[] }>(
      operator,
      'query($m: String!) { whatsAppConversation(msisdn: $m, first: 50) { direction text orderId } }',
      { m: msisdn },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.whatsAppConversation;
  };

  beforeAll(async () => {
    stack = await startTestStack({ OUTBOX_POLL_MS: '50' });
    paymentsBase = stack.subgraphs.payments.url.replace(/\/graphql$/, '');
    await stack.seedDemoData();
    service = await stack.token({ role: 'service' });
    operator = await stack.token({ role: 'operator' });
  });
  afterAll(() => stack?.stop());

  it('runs the WhatsApp conversation from "25 Euro" to the confirmation and the credited balance', async () => {
    const customer = demo('TELEKOM');
    const before = await balanceOf(customer.id);

    const received = await whatsApp(customer.msisdn, '25 Euro');
    expect(received.status).toBe(200);
    const linkMessage = await eventually(
      async () => (await conversation(customer.msisdn)).find((message) => message.direction === 'OUTBOUND' && message.orderId),
      'the payment link reply',
    );
    const link = /(http:\/\/\S+\/pay\/[\w-]+)/.exec(linkMessage.text)?.[1];
    expect(linkMessage.text).toContain('25,00\u00a0€');
    expect(link).toBeDefined();

    // Our link checks the order and sends the customer to the provider's checkout, which offers the brand's methods.
    const pageResponse = await fetch(link!.replace(/^http:\/\/localhost:\d+/, paymentsBase), { redirect: 'manual' });
    expect(pageResponse.status).toBe(303);
    const sessionId = /\/checkout\/([\w-]+)$/.exec(pageResponse.headers.get('location')!)![1]!;
    const checkout = stack.stripe.requests().find((request) => request.method === 'POST' && request.path === '/v1/checkout/sessions' && request.idempotencyKey === `checkout:${linkMessage.orderId}`);
    const params = checkout!.params as { allowed_payment_method_types: string[]; line_items: { price_data: { unit_amount: string | number; currency: string } }[]; locale: string };
    expect([...params.allowed_payment_method_types].sort()).toEqual(['card', 'klarna', 'paypal']);
    expect(String(params.line_items[0]!.price_data.unit_amount)).toBe('2500');
    expect(params.line_items[0]!.price_data.currency).toBe('eur');
    const hostedPage = await (await fetch(pageResponse.headers.get('location')!)).text();
    expect(hostedPage).toContain('25,00');

    const paid = await stack.stripe.completeCheckout(sessionId, { method: 'paypal' });
    expect(paid.webhookStatuses.every((status) => status === 200)).toBe(true);

    await eventually(async () => (await order(linkMessage.orderId!))?.status === 'CREDITED', 'the credit');
    const confirmation = await eventually(
      async () => (await conversation(customer.msisdn)).find((message) => message.direction === 'OUTBOUND' && message.text.includes('gutgeschrieben')),
      'the confirmation message',
    );
    expect(confirmation.orderId).toBe(linkMessage.orderId);
    expect(await balanceOf(customer.id)).toBe(before + 2500);
    const entries = (await ledgerReferences(customer.id)).filter((entry) => entry.reference === linkMessage.orderId);
    expect(entries).toEqual([{ reference: linkMessage.orderId, amount: { cents: 2500 } }]);
  });

  it('answers "20" with the allowed amounts and creates no order', async () => {
    const customer = demo('TELEKOM', false);
    const before = await balanceOf(customer.id);
    expect((await whatsApp(customer.msisdn, '20')).status).toBe(200);
    const reply = await eventually(
      async () => (await conversation(customer.msisdn)).find((message) => message.direction === 'OUTBOUND'),
      'the error reply',
    );
    expect(reply.text).toContain('15,00\u00a0€, 25,00\u00a0€, 50,00\u00a0€');
    expect(reply.orderId).toBeNull();
    const topUps = await stack.query<{ account: { topUps: { nodes: unknown[] } } }>(
      operator,
      'query($id: ID!) { account(id: $id) { topUps(first: 10) { nodes { id } } } }',
      { id: customer.id },
    );
    expect(topUps.data!.account.topUps.nodes).toEqual([]);
    expect(await balanceOf(customer.id)).toBe(before);
  });

  it('refuses WhatsApp webhooks without a valid signature and runs the verification handshake', async () => {
    const customer = demo('CONGSTAR');
    const forged = await fetch(`${paymentsBase}${WHATSAPP_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      body: '{"object":"whatsapp_business_account","entry":[]}',
    });
    expect(forged.status).toBe(401);
    expect(await conversation(customer.msisdn)).toEqual([]);
    const handshake = await fetch(
      `${paymentsBase}${WHATSAPP_WEBHOOK_PATH}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(stack.config.payments.whatsAppVerifyToken)}&hub.challenge=42`,
    );
    expect(await handshake.text()).toBe('42');
    const wrongToken = await fetch(`${paymentsBase}${WHATSAPP_WEBHOOK_PATH}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42`);
    expect(wrongToken.status).toBe(403);
  });

  it('makes top-up orders idempotent and refuses amounts the brand does not accept, naming the accepted ones', async () => {
    const customer = demo('O2');
    const token = await stack.token({ role: 'customer', account_id: customer.id });
    const create = (amountCents: number, channel: string, idempotencyKey: string) =>
      stack.query<{ createTopUp: { id: string; status: string; paymentUrl: string } }>(
        token,
        'mutation($input: CreateTopUpInput!) { createTopUp(input: $input) { id status paymentUrl } }',
        { input: { accountId: customer.id, amountCents, channel, idempotencyKey } },
      );
    const first = await create(1000, 'APP_WEB', 'key-o2-0001');
    expect(first.errors).toBeUndefined();
    expect(first.data!.createTopUp.status).toBe('PENDING');
    expect(first.data!.createTopUp.paymentUrl).toMatch(/\/pay\/[\w-]{20,}$/);
    const again = await create(1000, 'APP_WEB', 'key-o2-0001');
    expect(again.data!.createTopUp.id).toBe(first.data!.createTopUp.id);
    const changed = await create(500, 'APP_WEB', 'key-o2-0001');
    expect(errorCode(changed)).toBe('CONFLICT');

    const whatsAppTwenty = await create(2000, 'WHATSAPP', 'key-o2-0002');
    expect(errorCode(whatsAppTwenty)).toBe('BAD_USER_INPUT');
    expect(whatsAppTwenty.errors![0]!.extensions!.acceptedAmountsCents).toEqual([1500, 2500, 5000]);

    const otherAccount = await create(1000, 'APP_WEB', 'key-o2-0003').then(() =>
      stack.query(token, 'mutation($input: CreateTopUpInput!) { createTopUp(input: $input) { id } }', {
        input: { accountId: demo('CONGSTAR').id, amountCents: 1000, channel: 'APP_WEB', idempotencyKey: 'key-o2-0004' },
      }),
    );
    expect(errorCode(otherAccount)).toBe('NOT_FOUND');
  });

  it('redeems a voucher code once under 10 concurrent attempts and rate-limits wrong codes', async () => {
    const admin = await stack.token({ role: 'admin' });
    const batch = await stack.query<{ createVoucherBatch: { codes: string[] } }>(
      admin,
      'mutation { createVoucherBatch(brand: "ALDI_TALK", valueCents: 1500, size: 2) { codes } }',
    );
    expect(batch.errors).toBeUndefined();
    const [code, secondCode] = batch.data!.createVoucherBatch.codes;
    const customer = demo('ALDI_TALK');
    const before = await balanceOf(customer.id);

    const attempts = await Promise.all(
      Array.from({ length: 10 }, () =>
        stack.query<{ redeemVoucher: { id: string; status: string } }>(
          service,
          'mutation($a: ID!, $c: String!) { redeemVoucher(accountId: $a, code: $c) { id status } }',
          { a: customer.id, c: `*103*${code}#` },
        ),
      ),
    );
    const successes = attempts.filter((attempt) => attempt.data?.redeemVoucher);
    expect(successes).toHaveLength(1);
    expect(attempts.filter((attempt) => errorCode(attempt) === 'VOUCHER_ALREADY_REDEEMED')).toHaveLength(9);
    const orderId = successes[0]!.data!.redeemVoucher.id;
    await eventually(async () => (await order(orderId))?.status === 'CREDITED', 'the voucher credit');
    expect(await balanceOf(customer.id)).toBe(before + 1500);

    const wrongAccount = demo('ALDI_TALK', false);
    const redeem = (value: string) =>
      stack.query(service, 'mutation($a: ID!, $c: String!) { redeemVoucher(accountId: $a, code: $c) { id } }', { a: wrongAccount.id, c: value });
    for (let i = 0; i < 5; i += 1) expect(errorCode(await redeem('0000000000000000'))).toBe('VOUCHER_INVALID');
    const limited = await redeem(secondCode!);
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(await balanceOf(wrongAccount.id)).toBe(0);
  });

  it('limits wrong voucher codes per caller and account: one guesser does not lock the account for others', async () => {
    const admin = await stack.token({ role: 'admin' });
    const batch = await stack.query<{ createVoucherBatch: { codes: string[] } }>(
      admin,
      'mutation { createVoucherBatch(brand: "FONIC", valueCents: 1500, size: 1) { codes } }',
    );
    expect(batch.errors).toBeUndefined();
    const [code] = batch.data!.createVoucherBatch.codes;
    const account = demo('FONIC', false);
    const redeem = (token: string, value: string) =>
      stack.query<{ redeemVoucher: { id: string } }>(token, 'mutation($a: ID!, $c: String!) { redeemVoucher(accountId: $a, code: $c) { id } }', { a: account.id, c: value });
    const guesser = await stack.token({ role: 'partner', brand: 'FONIC', sub: 'fonic-guesser' });
    for (let i = 0; i < 5; i += 1) expect(errorCode(await redeem(guesser, `000000000000000${i}`))).toBe('VOUCHER_INVALID');
    expect(errorCode(await redeem(guesser, code!))).toBe('RATE_LIMITED');

    const otherApp = await stack.token({ role: 'partner', brand: 'FONIC', sub: 'fonic-shop' });
    expect(errorCode(await redeem(otherApp, '1111111111111111'))).toBe('VOUCHER_INVALID');
    const owner = await stack.token({ role: 'customer', account_id: account.id });
    const redeemed = await redeem(owner, code!);
    expect(redeemed.errors).toBeUndefined();
    await eventually(async () => (await order(redeemed.data!.redeemVoucher.id))?.status === 'CREDITED', 'the voucher credit');
    expect(await balanceOf(account.id)).toBe(1500);
    expect(errorCode(await redeem(guesser, '2222222222222222'))).toBe('RATE_LIMITED');
  });

  it('reports credited top-up volume per brand and channel, partners only their own brand', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const query = 'query($from: DateTimeISO!, $to: DateTimeISO!) { topUpVolume(from: $from, to: $to) { brandCode channel count amount { cents } } }';
    const all = await stack.query<{ topUpVolume: { brandCode: string; channel: string; count: number; amount: { cents: number } }[] }>(operator, query, { from, to });
    expect(all.errors).toBeUndefined();
    expect(all.data!.topUpVolume).toEqual(
      expect.arrayContaining([
        { brandCode: 'TELEKOM', channel: 'WHATSAPP', count: 1, amount: { cents: 2500 } },
        { brandCode: 'ALDI_TALK', channel: 'VOUCHER', count: 1, amount: { cents: 1500 } },
      ]),
    );
    const partner = await stack.token({ role: 'partner', brand: 'ALDI_TALK' });
    const own = await stack.query<{ topUpVolume: { brandCode: string }[] }>(partner, query, { from, to });
    expect(own.data!.topUpVolume.length).toBeGreaterThan(0);
    expect(own.data!.topUpVolume.every((row) => row.brandCode === 'ALDI_TALK')).toBe(true);
    const customer = await stack.token({ role: 'customer', account_id: demo('ALDI_TALK').id });
    expect(errorCode(await stack.query(customer, query, { from, to }))).toBe('FORBIDDEN');
  });
});
