import { eventually } from '../../common/src/testing/eventually';
import { accountsSubgraph } from '../../accounts/src/accounts.subgraph';
import { signTimestampedPayload } from '../../common/src/hmac';
import { SubgraphClient } from '../../common/src/subgraph-client';
import { callSubgraphAs } from '../../common/src/testing/graphql-client';
import { startTestSubgraph } from '../../common/src/testing/test-subgraph';
import type { TestSubgraph } from '../../common/src/testing/test-subgraph';
import { policiesSubgraph } from '../../policies/src/policies.subgraph';
import { AccountsHttpAdapter } from '../src/adapters/accounts-http.adapter';
import { PAYMENT_WEBHOOK_PATH, createPaymentsSubgraph } from '../src/payments.subgraph';
import type { PaymentsServices } from '../src/payments.subgraph';
import type { AccountsPort } from '../src/ports/accounts.port';

const service = { role: 'service' as const, subject: 'test' };


describe('crediting a paid top-up across subgraphs', () => {
  let policies: TestSubgraph<unknown>;
  let accounts: TestSubgraph<{ accounts: { open: (input: { msisdn: string; brandCode: string }) => Promise<{ id: string }> } }>;
  let payments: TestSubgraph<PaymentsServices>;
  let creditCalls = 0;
  let failNextAfterCredit = false;

  beforeAll(async () => {
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
      { ACCOUNTS_URL: accounts.url, POLICIES_URL: policies.url, OUTBOX_POLL_MS: '50' },
    );
  });
  afterAll(async () => {
    await payments?.close();
    await accounts?.close();
    await policies?.close();
  });

  it('lands the credit exactly once when the relay fails between booking and acknowledging', async () => {
    const account = await accounts.services.accounts.open({ msisdn: '+4915199900001', brandCode: 'CONGSTAR' });
    const created = await callSubgraphAs<{ createTopUp: { id: string } }>(
      payments.config,
      payments.url,
      service,
      'mutation($input: CreateTopUpInput!) { createTopUp(input: $input) { id } }',
      { input: { accountId: account.id, amountCents: 1500, channel: 'APP_WEB', idempotencyKey: 'relay-crash-0001' } },
    );
    expect(created.errors).toBeUndefined();
    const orderId = created.data!.createTopUp.id;

    failNextAfterCredit = true;
    const event = JSON.stringify({ id: 'evt_relay_crash_1', type: 'payment.succeeded', orderId, amountCents: 1500, method: 'VISA' });
    const webhook = await fetch(payments.url.replace(/\/graphql$/, PAYMENT_WEBHOOK_PATH), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-payment-signature': signTimestampedPayload(payments.config.payments.webhookSecret, event, Math.floor(Date.now() / 1000)),
      },
      body: event,
    });
    expect(webhook.status).toBe(200);

    const status = async () =>
      (await callSubgraphAs<{ topUp: { status: string } }>(payments.config, payments.url, service, 'query($id: ID!) { topUp(id: $id) { status } }', { id: orderId }))
        .data?.topUp.status;
    await eventually(async () => (await status()) === 'CREDITED', 'the credit after recovery');

    expect(creditCalls).toBe(2);
    const ledger = await callSubgraphAs<{ account: { balance: { cents: number }; ledger: { edges: { node: { reference: string; amount: { cents: number } } }[] } } }>(
      accounts.config,
      accounts.url,
      service,
      'query($id: ID!) { account(id: $id) { balance { cents } ledger(first: 50) { edges { node { reference amount { cents } } } } } }',
      { id: account.id },
    );
    expect(ledger.data!.account.balance.cents).toBe(1500);
    expect(ledger.data!.account.ledger.edges.map((edge) => edge.node)).toEqual([{ reference: orderId, amount: { cents: 1500 } }]);
  });

  it('fails a paid order whose account was terminated meanwhile, without retrying or moving money', async () => {
    const account = await accounts.services.accounts.open({ msisdn: '+4915199900002', brandCode: 'CONGSTAR' });
    const created = await callSubgraphAs<{ createTopUp: { id: string } }>(
      payments.config,
      payments.url,
      service,
      'mutation($input: CreateTopUpInput!) { createTopUp(input: $input) { id } }',
      { input: { accountId: account.id, amountCents: 1500, channel: 'APP_WEB', idempotencyKey: 'terminated-meanwhile-1' } },
    );
    const orderId = created.data!.createTopUp.id;
    const terminated = await callSubgraphAs(accounts.config, accounts.url, service, 'mutation($id: ID!) { terminateAccount(accountId: $id, initiatedBy: CUSTOMER) { status } }', {
      id: account.id,
    });
    expect(terminated.errors).toBeUndefined();
    const callsBefore = creditCalls;

    const event = JSON.stringify({ id: 'evt_terminated_1', type: 'payment.succeeded', orderId, amountCents: 1500, method: 'PAYPAL' });
    const webhook = await fetch(payments.url.replace(/\/graphql$/, PAYMENT_WEBHOOK_PATH), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-payment-signature': signTimestampedPayload(payments.config.payments.webhookSecret, event, Math.floor(Date.now() / 1000)),
      },
      body: event,
    });
    expect(webhook.status).toBe(200);
    const order = async () =>
      (await callSubgraphAs<{ topUp: { status: string; failureReason: string | null } }>(payments.config, payments.url, service, 'query($id: ID!) { topUp(id: $id) { status failureReason } }', { id: orderId }))
        .data?.topUp;
    await eventually(async () => (await order())?.status === 'FAILED', 'the refused credit to fail the order');
    expect((await order())!.failureReason).toMatch(/SIM_INACTIVE/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(creditCalls).toBe(callsBefore + 1);
    const balance = await callSubgraphAs<{ account: { balance: { cents: number } } }>(accounts.config, accounts.url, service, 'query($id: ID!) { account(id: $id) { balance { cents } } }', { id: account.id });
    expect(balance.data!.account.balance.cents).toBe(0);
  });
});
