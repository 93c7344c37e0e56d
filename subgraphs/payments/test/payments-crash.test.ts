import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { accountsSubgraph } from '../../accounts/src/accounts.subgraph';
import { DEVELOPMENT_SECRETS } from '../../common/src/config';
import { startSubgraph } from '../../common/src/subgraph';
import { eventually } from '../../common/src/testing/eventually';
import { freePorts } from '../../common/src/testing/free-ports';
import { callSubgraphAs } from '../../common/src/testing/graphql-client';
import { createTestConfig } from '../../common/src/testing/test-database';
import type { TestConfig } from '../../common/src/testing/test-database';
import { policiesSubgraph } from '../../policies/src/policies.subgraph';
import { startStripeFake } from '../src/fake-provider/stripe-fake';
import type { StripeFake } from '../src/fake-provider/stripe-fake';
import { paymentsSubgraph } from '../src/payments.subgraph';
import { PAYMENT_WEBHOOK_PATH } from '../src/services/payment-webhook.service';
import { CREDIT_TOPIC, REFUND_TOPIC } from '../src/services/top-up.service';

const root = join(__dirname, '..', '..', '..');
const register = join(root, 'subgraphs', 'common', 'src', 'testing', 'transpile-register.js');
const service = { role: 'service' as const, subject: 'crash-test' };

/**
 * kill -9 of the payments process at the exact points where money could be moved twice: after the
 * provider refunded but before the relay recorded it, and after the ledger booked a credit but
 * before the relay recorded it. The process is a real child (SIGKILL, no clean-up); after the
 * restart the relay delivers again, and the provider (idempotency key) and the ledger (reference)
 * must each have moved the money exactly once.
 */
describe('payments killed with SIGKILL in the middle of a delivery', () => {
  let test: TestConfig;
  let stripe: StripeFake;
  let stops: (() => Promise<void>)[] = [];
  let paymentsPort: number;
  let child: ChildProcess | undefined;

  const paymentsUrl = () => `http://127.0.0.1:${paymentsPort}/graphql`;

  const startPayments = async (crashPoint: string | null): Promise<ChildProcess> => {
    const { config } = test;
    const database = config.databases.payments;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PAYMENTS_PORT: String(paymentsPort),
      ACCOUNTS_URL: config.subgraphUrls.accounts,
      POLICIES_URL: config.subgraphUrls.policies,
      STRIPE_API_URL: stripe.url,
      STRIPE_TIMEOUT_MS: '2000',
      OUTBOX_POLL_MS: '50',
      OUTBOX_LEASE_MS: '1000',
      DATABASE_NAME_PREFIX: database.database.replace(/payments$/, ''),
      ...(database.kind === 'mysql' ? { DATABASE_URL: process.env.DATABASE_URL! } : { DATA_DIR: dirname(database.location) }),
      ...(crashPoint ? { TEST_CRASH_POINT: crashPoint } : {}),
    };
    const started = spawn(process.execPath, ['-r', register, join(root, 'subgraphs', 'payments', 'src', 'server.ts')], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
    await eventually(async () => {
      try {
        return (await fetch(`http://127.0.0.1:${paymentsPort}/ready`)).ok;
      } catch {
        return false;
      }
    }, 'payments to be ready', 30_000);
    return started;
  };

  const exited = (process: ChildProcess): Promise<string | number | null> =>
    process.exitCode !== null || process.signalCode !== null
      ? Promise.resolve(process.signalCode ?? process.exitCode)
      : new Promise((resolve) => process.once('exit', (code, signal) => resolve(signal ?? code)));

  const gql = <T>(url: string, text: string, variables: Record<string, unknown> = {}) => callSubgraphAs<T>(test.config, url, service, text, variables);

  const order = async (id: string) => (await gql<{ topUp: { status: string } }>(paymentsUrl(), 'query($id: ID!) { topUp(id: $id) { status } }', { id })).data?.topUp.status;

  const ledger = async (accountId: string) => {
    const response = await gql<{ account: { balance: { cents: number }; ledger: { edges: { node: { reference: string; amount: { cents: number } } }[] } } }>(
      test.config.subgraphUrls.accounts,
      'query($id: ID!) { account(id: $id) { balance { cents } ledger(first: 50) { edges { node { reference amount { cents } } } } } }',
      { id: accountId },
    );
    const { balance, ledger: page } = response.data!.account;
    const entries = page.edges.map((edge) => edge.node);
    expect(entries.reduce((sum, entry) => sum + entry.amount.cents, 0)).toBe(balance.cents);
    return { balance: balance.cents, entries };
  };

  /** Order, payment link, checkout at the fake: returns the order id once the webhook made it PAID. */
  const pay = async (accountId: string, key: string, beforePaying?: () => Promise<void>): Promise<string> => {
    const created = await gql<{ createTopUp: { id: string; paymentUrl: string } }>(paymentsUrl(), 'mutation($input: CreateTopUpInput!) { createTopUp(input: $input) { id paymentUrl } }', {
      input: { accountId, amountCents: 1500, channel: 'APP_WEB', idempotencyKey: key },
    });
    expect(created.errors).toBeUndefined();
    const { id, paymentUrl } = created.data!.createTopUp;
    const link = await fetch(paymentUrl.replace(/^http:\/\/localhost:\d+/, `http://127.0.0.1:${paymentsPort}`), { redirect: 'manual' });
    expect(link.status).toBe(303);
    await beforePaying?.();
    const paid = await stripe.completeCheckout(/\/checkout\/([\w-]+)$/.exec(link.headers.get('location')!)![1]!, { method: 'card' });
    expect(paid.webhookStatuses[0]).toBe(200);
    return id;
  };

  let openAccount: (msisdn: string) => Promise<string>;

  beforeAll(async () => {
    const [accountsPort, policiesPort, port] = await freePorts(3);
    paymentsPort = port!;
    stripe = await startStripeFake({ webhookSecret: DEVELOPMENT_SECRETS.STRIPE_WEBHOOK_SECRET });
    stripe.setWebhookUrl(`http://127.0.0.1:${paymentsPort}${PAYMENT_WEBHOOK_PATH}`);
    test = createTestConfig({
      ACCOUNTS_PORT: String(accountsPort),
      POLICIES_PORT: String(policiesPort),
      PAYMENTS_PORT: String(paymentsPort),
      ACCOUNTS_URL: `http://127.0.0.1:${accountsPort}/graphql`,
      POLICIES_URL: `http://127.0.0.1:${policiesPort}/graphql`,
      PAYMENTS_URL: `http://127.0.0.1:${paymentsPort}/graphql`,
    });
    const policies = await startSubgraph(policiesSubgraph, test.config, { migrate: true });
    const accounts = await startSubgraph(accountsSubgraph, test.config, { migrate: true });
    openAccount = async (msisdn) => (await accounts.services.accounts.open({ msisdn, brandCode: 'CONGSTAR' })).id;
    // Migrated once here; the child processes refuse to start with pending migrations.
    const migrated = await startSubgraph(paymentsSubgraph, test.config, { migrate: true, port: 0 });
    await migrated.stop();
    stops = [() => accounts.stop(), () => policies.stop()];
  }, 60_000);

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    child = undefined;
  });

  afterAll(async () => {
    for (const stop of stops) await stop();
    await stripe?.stop();
    await test?.cleanup();
  });

  it.each([
    ['after deciding the refund, before calling the provider', 'before-handler', 0],
    ['after the provider refunded, before the relay recorded it', 'after-handler', 1],
  ] as const)('refunds exactly once when killed %s', async (_when, point, refundsAtCrash) => {
    const accountId = await openAccount(`+49151987${point === 'before-handler' ? '00001' : '00003'}`);
    child = await startPayments(`${REFUND_TOPIC}:${point}`);
    const running = child;
    const orderId = await pay(accountId, `crash-refund-${point}`, async () => {
      const ended = await gql(test.config.subgraphUrls.accounts, 'mutation($id: ID!) { terminateAccount(accountId: $id, initiatedBy: CUSTOMER) { status } }', { id: accountId });
      expect(ended.errors).toBeUndefined();
    });
    expect(await exited(running)).toBe('SIGKILL');
    const refundsOf = () => stripe.refunds().filter((refund) => (refund.metadata as Record<string, string>).order_id === orderId);
    expect(refundsOf()).toHaveLength(refundsAtCrash);
    expect(await order(orderId).catch(() => null)).toBeNull();

    child = await startPayments(null);
    await eventually(async () => (await order(orderId)) === 'REFUNDED', 'the refund recorded after the restart');
    const calls = stripe.requests().filter((request) => request.path === '/v1/refunds' && request.idempotencyKey === `refund:${orderId}`);
    process.stdout.write(`crash/refund ${point}: ${calls.length} refund call(s) for the order, ${calls.filter((call) => call.replayed).length} replayed, ${refundsOf().length} refund made\n`);
    expect(calls).toHaveLength(refundsAtCrash + 1);
    expect(calls.filter((call) => !call.replayed)).toHaveLength(1);
    expect(refundsOf()).toHaveLength(1);
    expect(refundsOf()[0]!.amount).toBe(1500);
    expect(await ledger(accountId)).toEqual({ balance: 0, entries: [] });
  }, 90_000);

  it('credits exactly once when killed after the ledger booked the credit and before the relay recorded it', async () => {
    const accountId = await openAccount('+4915198700002');
    child = await startPayments(`${CREDIT_TOPIC}:after-handler`);
    const running = child;
    const orderId = await pay(accountId, 'crash-credit-0001');
    expect(await exited(running)).toBe('SIGKILL');
    expect((await ledger(accountId)).entries).toEqual([{ reference: orderId, amount: { cents: 1500 } }]);

    child = await startPayments(null);
    await eventually(async () => (await order(orderId)) === 'CREDITED', 'the credit recorded after the restart');
    const after = await ledger(accountId);
    process.stdout.write(`crash/credit: ${after.entries.length} ledger entry, balance ${after.balance} cents for one paid order of 1500\n`);
    expect(after).toEqual({ balance: 1500, entries: [{ reference: orderId, amount: { cents: 1500 } }] });
  }, 90_000);
});
