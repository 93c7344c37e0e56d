import { accountsSubgraph } from '../../accounts/src/accounts.subgraph';
import { SubgraphClient } from '../../common/src/subgraph-client';
import { callSubgraphAs } from '../../common/src/testing/graphql-client';
import { startTestSubgraph } from '../../common/src/testing/test-subgraph';
import type { TestSubgraph } from '../../common/src/testing/test-subgraph';
import { DEVELOPMENT_SECRETS } from '../../common/src/config';
import { policiesSubgraph } from '../../policies/src/policies.subgraph';
import { AccountsHttpAdapter } from '../src/adapters/accounts-http.adapter';
import { startStripeFake } from '../src/fake-provider/stripe-fake';
import type { StripeFake } from '../src/fake-provider/stripe-fake';
import { createPaymentsSubgraph } from '../src/payments.subgraph';
import type { PaymentsServices } from '../src/payments.subgraph';
import type { AccountsPort } from '../src/ports/accounts.port';
import { PAYMENT_WEBHOOK_PATH } from '../src/services/payment-webhook.service';

const service = { role: 'service' as const, subject: 'test' };

/**
 * The credit path between a paid order and the ledger, with the outbox relay driven by hand (it
 * polls once a minute here), so the contract can end exactly between payment and credit.
 */
describe('crediting a paid top-up across subgraphs', () => {
  let policies: TestSubgraph<unknown>;
  let accounts: TestSubgraph<{ accounts: { open: (input: { msisdn: string; brandCode: string }) => Promise<{ id: string }> } }>;
  let payments: TestSubgraph<PaymentsServices>;
  let stripe: StripeFake;
  let creditCalls = 0;
  let failNextAfterCredit = false;

  const gql = <T>(subgraph: TestSubgraph<unknown>, text: string, variables: Record<string, unknown> = {}) =>
    callSubgraphAs<T>(subgraph.config, subgraph.url, service, text, variables);

  const orderOf = async (id: string) =>
    (await gql<{ topUp: { status: string; failureReason: string | null; refundReason: string | null } }>(payments, 'query($id: ID!) { topUp(id: $id) { status failureReason refundReason } }', { id }))
      .data!.topUp;

  const balanceOf = async (id: string) => {
    const response = await gql<{ account: { balance: { cents: number }; ledger: { edges: { node: { reference: string; amount: { cents: number } } }[] } } }>(
      accounts,
      'query($id: ID!) { account(id: $id) { balance { cents } ledger(first: 50) { edges { node { reference amount { cents } } } } } }',
      { id },
    );
    const { balance, ledger } = response.data!.account;
    expect(ledger.edges.reduce((sum, edge) => sum + edge.node.amount.cents, 0)).toBe(balance.cents);
    return { cents: balance.cents, entries: ledger.edges.map((edge) => edge.node) };
  };

  const terminate = async (id: string) => {
    const terminated = await gql(accounts, 'mutation($id: ID!) { terminateAccount(accountId: $id, initiatedBy: CUSTOMER) { status } }', { id });
    expect(terminated.errors).toBeUndefined();
  };

  /** Drains the relay until nothing is due (each pass is one claim). */
  const drain = async () => {
    for (let pass = 0; pass < 10; pass += 1) {
      const { delivered, failed } = await payments.services.relay.runOnce();
      if (delivered === 0 && failed === 0) return;
    }
  };

  /** A paid app top-up: order, payment link, checkout at the fake, signed webhook. */
  const paidOrder = async (accountId: string, key: string, amountCents = 1500) => {
    const created = await gql<{ createTopUp: { id: string; paymentUrl: string } }>(payments, 'mutation($input: CreateTopUpInput!) { createTopUp(input: $input) { id paymentUrl } }', {
      input: { accountId, amountCents, channel: 'APP_WEB', idempotencyKey: key },
    });
    expect(created.errors).toBeUndefined();
    const { id, paymentUrl } = created.data!.createTopUp;
    const link = await fetch(paymentUrl.replace(/^http:\/\/localhost:\d+/, payments.url.replace(/\/graphql$/, '')), { redirect: 'manual' });
    expect(link.status).toBe(303);
    const sessionId = /\/checkout\/([\w-]+)$/.exec(link.headers.get('location')!)![1]!;
    const completed = await stripe.completeCheckout(sessionId, { method: 'card', cardBrand: 'visa' });
    expect(completed.webhookStatuses.every((status) => status === 200)).toBe(true);
    expect((await orderOf(id)).status).toBe('PAID');
    return id;
  };

  beforeAll(async () => {
    stripe = await startStripeFake({ webhookSecret: DEVELOPMENT_SECRETS.STRIPE_WEBHOOK_SECRET });
    policies = await startTestSubgraph(policiesSubgraph);
    accounts = (await startTestSubgraph(accountsSubgraph, { POLICIES_URL: policies.url })) as unknown as typeof accounts;
    payments = await startTestSubgraph(
      createPaymentsSubgraph({
        backgroundJobsMs: null,
        accounts: ({ config }) => {
          const real = new AccountsHttpAdapter(new SubgraphClient(config, 'accounts', 'payments'));
          // The ledger books the credit, then the acknowledgement is lost: the relay dies between the two steps.
          const flaky: AccountsPort = {
            findById: (id) => real.findById(id),
            findByMsisdn: (msisdn) => real.findByMsisdn(msisdn),
            setAutoTopUpThreshold: (id, cents) => real.setAutoTopUpThreshold(id, cents),
            recoverCredit: (input) => real.recoverCredit(input),
            debitForRefund: (input) => real.debitForRefund(input),
            credit: async (input) => {
              creditCalls += 1;
              const result = await real.credit(input);
              if (failNextAfterCredit) {
                failNextAfterCredit = false;
                throw new Error('relay crashed after the ledger accepted the credit');
              }
              return result;
            },
          };
          return flaky;
        },
      }),
      { ACCOUNTS_URL: accounts.url, POLICIES_URL: policies.url, OUTBOX_POLL_MS: '60000', STRIPE_API_URL: stripe.url, STRIPE_TIMEOUT_MS: '2000' },
    );
    stripe.setWebhookUrl(payments.url.replace(/\/graphql$/, PAYMENT_WEBHOOK_PATH));
  });
  afterAll(async () => {
    await payments?.close();
    await accounts?.close();
    await policies?.close();
    await stripe?.stop();
  });

  it('lands the credit exactly once when the relay fails between booking and acknowledging', async () => {
    const account = await accounts.services.accounts.open({ msisdn: '+4915199900001', brandCode: 'CONGSTAR' });
    const orderId = await paidOrder(account.id, 'relay-crash-0001');
    failNextAfterCredit = true;
    const callsBefore = creditCalls;
    await payments.services.relay.runOnce();
    expect((await orderOf(orderId)).status).toBe('PAID');
    // The retry waits out its backoff; a second relay pass after it delivers again, idempotently.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await drain();
    expect((await orderOf(orderId)).status).toBe('CREDITED');
    expect(creditCalls).toBe(callsBefore + 2);
    const balance = await balanceOf(account.id);
    expect(balance.cents).toBe(1500);
    expect(balance.entries).toEqual([{ reference: orderId, amount: { cents: 1500 } }]);
  });

  it('refunds a paid order in full, once, when the contract ends before the credit lands', async () => {
    const account = await accounts.services.accounts.open({ msisdn: '+4915199900002', brandCode: 'CONGSTAR' });
    const orderId = await paidOrder(account.id, 'terminated-meanwhile-1', 2500);
    await terminate(account.id);
    const callsBefore = creditCalls;
    await drain();
    const order = await orderOf(orderId);
    expect(order.status).toBe('REFUNDED');
    expect(order.refundReason).toMatch(/SIM_INACTIVE/);
    expect(creditCalls).toBe(callsBefore + 1);
    const refunds = stripe.refunds().filter((refund) => (refund.metadata as Record<string, string>).order_id === orderId);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.amount).toBe(2500);
    expect((await balanceOf(account.id)).cents).toBe(0);
    // A second relay pass, or the provider's refund webhooks arriving, change nothing.
    await drain();
    expect(stripe.objectsCreatedFor(`refund:${orderId}`)).toBe(1);
  });

  it('keeps a voucher redeemable when the ledger refuses its credit', async () => {
    const admin = { role: 'admin' as const, subject: 'test-admin' };
    const batch = await callSubgraphAs<{ createVoucherBatch: { codes: string[] } }>(
      payments.config,
      payments.url,
      admin,
      'mutation { createVoucherBatch(brand: "CONGSTAR", valueCents: 1500, size: 1) { codes } }',
    );
    expect(batch.errors).toBeUndefined();
    const [code] = batch.data!.createVoucherBatch.codes;
    const first = await accounts.services.accounts.open({ msisdn: '+4915199900003', brandCode: 'CONGSTAR' });
    const second = await accounts.services.accounts.open({ msisdn: '+4915199900004', brandCode: 'CONGSTAR' });
    const redeem = (accountId: string) =>
      gql<{ redeemVoucher: { id: string; status: string } }>(payments, 'mutation($a: ID!, $c: String!) { redeemVoucher(accountId: $a, code: $c) { id status } }', { a: accountId, c: code });

    const redeemed = await redeem(first.id);
    expect(redeemed.errors).toBeUndefined();
    expect(redeemed.data!.redeemVoucher.status).toBe('PAID');
    await terminate(first.id);
    await drain();
    const refused = await orderOf(redeemed.data!.redeemVoucher.id);
    expect(refused.status).toBe('FAILED');
    expect(refused.failureReason).toMatch(/voucher released/);

    const again = await redeem(second.id);
    expect(again.errors).toBeUndefined();
    await drain();
    expect((await orderOf(again.data!.redeemVoucher.id)).status).toBe('CREDITED');
    expect((await balanceOf(second.id)).cents).toBe(1500);
    expect((await balanceOf(first.id)).cents).toBe(0);
  });
});
