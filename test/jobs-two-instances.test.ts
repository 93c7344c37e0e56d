import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsNull } from 'typeorm';
import type { DataSource } from 'typeorm';
import { FixedClock } from '../subgraphs/common/src/clock';
import type { SubgraphName } from '../subgraphs/common/src/config';
import { hmacSha256Hex } from '../subgraphs/common/src/hmac';
import { OutboxMessageEntity } from '../subgraphs/common/src/outbox/outbox-message.entity';
import { addDays, addMonths } from '../subgraphs/common/src/policy/calendar';
import type { Principal } from '../subgraphs/common/src/principal';
import { startSubgraph } from '../subgraphs/common/src/subgraph';
import type { RunningSubgraph, SubgraphDefinition } from '../subgraphs/common/src/subgraph';
import { eventually } from '../subgraphs/common/src/testing/eventually';
import { testDatabaseKind } from '../subgraphs/common/src/testing/test-database';
import { SUBGRAPHS } from '../subgraphs/registry';
import { createAccountsSubgraph } from '../subgraphs/accounts/src/accounts.subgraph';
import type { AccountsServices } from '../subgraphs/accounts/src/accounts.subgraph';
import { AccountEntity } from '../subgraphs/accounts/src/entities/account.entity';
import { AccountOptionEntity } from '../subgraphs/accounts/src/entities/account-option.entity';
import { ChargingSessionEntity } from '../subgraphs/accounts/src/entities/charging-session.entity';
import { LedgerEntryEntity } from '../subgraphs/accounts/src/entities/ledger-entry.entity';
import { NotificationEntity } from '../subgraphs/accounts/src/entities/notification.entity';
import { AUTO_TOP_UP_TOPIC, PAYOUT_ENTITLEMENT_TOPIC } from '../subgraphs/accounts/src/services/outbox-topics';
import { uniqueMsisdn } from '../subgraphs/accounts/test/support/accounts-harness';
import { AutoTopUpRuleEntity } from '../subgraphs/payments/src/entities/auto-top-up-rule.entity';
import { TopUpOrderEntity } from '../subgraphs/payments/src/entities/top-up-order.entity';
import { WhatsAppMessageEntity } from '../subgraphs/payments/src/entities/whatsapp-message.entity';
import { WHATSAPP_WEBHOOK_PATH, createPaymentsSubgraph } from '../subgraphs/payments/src/payments.subgraph';
import type { PaymentsServices } from '../subgraphs/payments/src/payments.subgraph';
import { PaymentDisputeEntity } from '../subgraphs/payments/src/entities/payment-dispute.entity';
import { SavedPaymentMethodEntity } from '../subgraphs/payments/src/entities/saved-payment-method.entity';
import { CHARGE_TOPIC, NOTIFICATION_TOPIC } from '../subgraphs/payments/src/services/auto-top-up.service';
import { CHARGEBACK_TOPIC, METHOD_SAVED_TOPIC } from '../subgraphs/payments/src/services/payment-webhook.service';
import { CREDIT_TOPIC, REFUND_TOPIC } from '../subgraphs/payments/src/services/top-up.service';
import { WHATSAPP_SEND_TOPIC } from '../subgraphs/payments/src/services/whatsapp.service';
import { createPoliciesSubgraph } from '../subgraphs/policies/src/policies.subgraph';
import { PayoutEntitlementEntity } from '../subgraphs/refunds/src/entities/payout-entitlement.entity';
import { PayoutEntity } from '../subgraphs/refunds/src/entities/payout.entity';
import { createRefundsSubgraph } from '../subgraphs/refunds/src/refunds.subgraph';
import type { RefundsServices } from '../subgraphs/refunds/src/refunds.subgraph';
import { PAYOUT_DEBIT_TOPIC, PAYOUT_RETURN_TOPIC } from '../subgraphs/refunds/src/services/payout.service';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

/**
 * Issue 8: every background job of every subgraph runs in two instances at once against one
 * database, and every effect happens exactly once. On MariaDB the two instances are two servers of
 * each subgraph (own pool, own relay, own timers) on the same databases. Embedded SQLite runs one
 * process per subgraph by design (subgraph-main ignores WORKERS there), so on SQLite the "second
 * instance" is a second run of every job in the same process, overlapping the timer's run.
 *
 * Both instances run every job on a short timer the whole time, and each stage also starts every
 * job on both instances at the same moment. Effects are asserted only once the outboxes are empty
 * and every job has run at least twice more on every instance, so a late duplicate would be seen.
 *
 * There is no registry of jobs: the first test reads each subgraph's definition (its timers, the
 * names they count runs under in /metrics, its relay and the relay's topics) and compares it with
 * JOBS; the last one compares JOBS with what /metrics and the outboxes report after the timeline.
 */

const mariaDb = testDatabaseKind() === 'mysql';
const JOB_MS = 40;
const POLL_MS = 20;
const RELAY = 'outbox-relay';

interface ServicesOf {
  accounts: AccountsServices;
  payments: PaymentsServices;
  refunds: RefundsServices;
}
type JobSubgraph = keyof ServicesOf;

type JobRow = {
  [K in JobSubgraph]: {
    subgraph: K;
    /** The name the job is counted under in guthaben_job_runs_total, or outbox-relay. */
    job: string;
    /** For relays: the topics they deliver. */
    topics?: readonly string[];
    does: string;
    /** What one run of the job does, as startBackground runs it. */
    runNow: (services: ServicesOf[K]) => Promise<unknown>;
    proof: string;
  };
}[JobSubgraph];

/** Every background job of every subgraph. A job missing here fails the first test. */
const JOBS: readonly JobRow[] = [
  {
    subgraph: 'accounts',
    job: 'charging-sweep',
    does: 'releases charging sessions the network stopped reporting (charging what was reported) and renews due options',
    runNow: (s) => Promise.all([s.charging.expireStaleSessions(), s.options.renewDue()]),
    proof: 'stage B: each stale session EXPIRED with one USAGE entry, reservation 0; each option renewed once (one fee entry for period 2)',
  },
  {
    subgraph: 'accounts',
    job: 'validity-lifecycle',
    does: 'moves SIMs to INACTIVE, DEACTIVATED or TERMINATED, sends termination notices, opens the payout entitlement',
    runNow: (s) => s.lifecycle.run(),
    proof: 'stage D: each transition once, three notices and one termination notice per Telekom SIM, one entitlement each in refunds',
  },
  {
    subgraph: 'accounts',
    job: RELAY,
    topics: [PAYOUT_ENTITLEMENT_TOPIC, AUTO_TOP_UP_TOPIC],
    does: 'tells refunds about ended contracts and payments about balances that crossed the automatic top-up threshold',
    runNow: (s) => s.relay.runOnce(),
    proof: 'refunds answered OpenPayoutEntitlement and payments AutoTopUpTriggered exactly as often as there are messages',
  },
  {
    subgraph: 'payments',
    job: 'payments-jobs',
    does: 'expires unpaid orders, fires monthly automatic top-ups, retries failed threshold top-ups after their backoff',
    runNow: (s) => s.runJobs(),
    proof: 'stages A/B: each monthly rule one order per month, each failed rule one retry, each overdue order EXPIRED; credits once each',
  },
  {
    subgraph: 'payments',
    job: RELAY,
    topics: [CREDIT_TOPIC, WHATSAPP_SEND_TOPIC, NOTIFICATION_TOPIC, CHARGE_TOPIC, METHOD_SAVED_TOPIC, REFUND_TOPIC, CHARGEBACK_TOPIC],
    does:
      'credits paid orders in the ledger, sends WhatsApp replies, notifies customers, charges saved methods, records saved methods, refunds payments the ledger refused, takes back charged-back credit',
    runNow: (s) => s.relay.runOnce(),
    proof:
      'one ledger credit per order, exactly two WhatsApp messages per WhatsApp order (the sender does not deduplicate), Notify called once per message, one charge per automatic order and one refund per refused order at the Stripe fake; chargebacks: test/payment-provider.test.ts',
  },
  {
    subgraph: 'refunds',
    job: 'quarterly-payouts',
    does: 'requests and approves the quarterly payout of every standing order (Fonic)',
    runNow: (s) => s.standingOrders.runQuarterly(),
    proof: 'stages A-C: one payout per account and quarter (again once after a failed one), none while the quarter is used',
  },
  {
    subgraph: 'refunds',
    job: RELAY,
    topics: [PAYOUT_DEBIT_TOPIC, PAYOUT_RETURN_TOPIC],
    does: 'books payout debits and the credits of failed payouts in the ledger',
    runNow: (s) => s.relay.runOnce(),
    proof: 'one PAYOUT debit per payout and one return credit per failed payout; every balance equals its ledger',
  },
];

/** Relay topics by the name of their constant, to read the relays' handler maps from the sources. */
const TOPIC_CONSTANTS: Record<string, string> = {
  PAYOUT_ENTITLEMENT_TOPIC,
  AUTO_TOP_UP_TOPIC,
  CREDIT_TOPIC,
  WHATSAPP_SEND_TOPIC,
  NOTIFICATION_TOPIC,
  CHARGE_TOPIC,
  METHOD_SAVED_TOPIC,
  REFUND_TOPIC,
  CHARGEBACK_TOPIC,
  PAYOUT_DEBIT_TOPIC,
  PAYOUT_RETURN_TOPIC,
};

const timedJobs = (subgraph: string): string[] => JOBS.filter((row) => row.subgraph === subgraph && row.job !== RELAY).map((row) => row.job);

const T0 = new Date('2025-01-10T09:00:00.000Z');
const STAGE_B = new Date('2025-02-10T10:00:00.000Z');
const STAGE_C = new Date('2025-04-02T08:00:00.000Z');
const ADMIN: Principal = { role: 'admin', subject: 'jobs-test-admin' };
const SERVICE: Principal = { role: 'service', subject: 'jobs-test' };
const customer = (accountId: string): Principal => ({ role: 'customer', subject: `jobs-test-${accountId}`, accountId });
const IBAN = 'DE89370400440532013000';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function metricValue(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const found = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

function metricLabels(text: string, name: string, label: string): string[] {
  const values = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const value = new RegExp(`${label}="([^"]*)"`).exec(line)?.[1];
    if (value !== undefined) values.add(value);
  }
  return [...values].sort();
}

describe(`every background job with two instances at once (${mariaDb ? 'MariaDB: two servers per subgraph' : 'SQLite: two overlapping runs in one process'})`, () => {
  it('lists every background job of every subgraph', () => {
    const withBackground = SUBGRAPHS.filter((definition) => definition.startBackground).map((definition) => definition.name);
    expect(withBackground.sort()).toEqual([...new Set(JOBS.map((row) => row.subgraph))].sort());
    for (const definition of SUBGRAPHS) {
      const source = readFileSync(join(__dirname, '..', 'subgraphs', definition.name, 'src', `${definition.name}.subgraph.ts`), 'utf8');
      const listed = JOBS.filter((row) => row.subgraph === definition.name);
      const counted = [...source.matchAll(/timeJob\(\s*'([\w-]+)'/g)].map((match) => match[1]!);
      const timers = source.match(/(?<![.\w])every\(/g) ?? [];
      const topics = [...source.matchAll(/\[([A-Z_]+_TOPIC)\]\s*:/g)].map((match) => TOPIC_CONSTANTS[match[1]!] ?? `unlisted ${match[1]}`);
      expect({ subgraph: definition.name, counted: counted.sort(), timers: timers.length, relay: /relay\.start\(\)/.test(source), topics: topics.sort() }).toEqual({
        subgraph: definition.name,
        counted: timedJobs(definition.name).sort(),
        // A timer whose runs are not counted would be a job this test cannot see run.
        timers: timedJobs(definition.name).length,
        relay: listed.some((row) => row.job === RELAY),
        topics: listed.flatMap((row) => row.topics ?? []).sort(),
      });
    }
  });

  describe('one timeline, every job busy on every instance', () => {
    const clock = new FixedClock(T0);
    let stack: TestStack;
    let serviceToken: string;
    const seconds: RunningSubgraph<unknown>[] = [];
    const instances = {} as { [K in JobSubgraph]: RunningSubgraph<ServicesOf[K]>[] };

    const accounts = () => instances.accounts[0]!.services;
    const payments = () => instances.payments[0]!.services;
    const refunds = () => instances.refunds[0]!.services;
    const db = (name: JobSubgraph): DataSource => instances[name][0]!.dataSource;
    /** The two instances a job runs on at once: two servers on MariaDB, the one process twice on SQLite. */
    const pair = <K extends JobSubgraph>(name: K): RunningSubgraph<ServicesOf[K]>[] => (mariaDb ? instances[name] : [instances[name][0]!, instances[name][0]!]);
    const scrape = async (instance: RunningSubgraph<unknown>) => (await fetch(instance.url.replace(/\/graphql$/, '/metrics'))).text();

    beforeAll(async () => {
      const definitions = {
        accounts: createAccountsSubgraph({ clock, expirySweepMs: JOB_MS, lifecycleMs: JOB_MS }),
        payments: createPaymentsSubgraph({ clock, backgroundJobsMs: JOB_MS }),
        policies: createPoliciesSubgraph({ clock }),
        refunds: createRefundsSubgraph({ clock, jobsMs: JOB_MS }),
      } as unknown as Record<SubgraphName, SubgraphDefinition<unknown, unknown>>;
      stack = await startTestStack({ OUTBOX_POLL_MS: String(POLL_MS) }, { clock, definitions });
      for (const name of ['accounts', 'payments', 'refunds'] as const) {
        const first = stack.subgraphs[name];
        // The second server of the subgraph: same configuration and databases, its own port, pool, relay and timers.
        if (mariaDb) seconds.push(await startSubgraph(definitions[name], stack.config, { port: 0 }));
        (instances as Record<string, RunningSubgraph<unknown>[]>)[name] = mariaDb ? [first, seconds.at(-1)!] : [first];
      }
      serviceToken = await stack.token({ role: 'service' });
    }, 60_000);

    afterAll(async () => {
      await Promise.all(seconds.map((instance) => instance.stop()));
      await stack?.stop();
    });

    /** Every job on both instances, started together. */
    const runEveryJobTwiceAtOnce = async () => {
      await Promise.all(
        JOBS.flatMap((row) =>
          pair(row.subgraph).map((instance) => (row.runNow as (services: unknown) => Promise<unknown>)(instance.services)),
        ),
      );
    };

    const pendingOutbox = async () => {
      const pending: string[] = [];
      for (const name of ['accounts', 'payments', 'refunds'] as const) {
        const rows = await db(name).getRepository(OutboxMessageEntity).findBy({ deliveredAt: IsNull() });
        pending.push(...rows.map((row) => `${name} ${row.topic} ${row.dedupeKey} attempts=${row.attempts} ${row.lastError ?? ''}`));
      }
      return pending;
    };

    const jobRuns = async (): Promise<Map<string, number>> => {
      const runs = new Map<string, number>();
      for (const name of ['accounts', 'payments', 'refunds'] as const) {
        for (const [index, instance] of instances[name].entries()) {
          const text = await scrape(instance as RunningSubgraph<unknown>);
          for (const job of timedJobs(name)) runs.set(`${name}#${index} ${job}`, metricValue(text, 'guthaben_job_runs_total', { job }));
        }
      }
      return runs;
    };

    /**
     * Waits for the stage's effect and empty outboxes, then for two more runs of every job on every
     * instance: what is asserted afterwards is final, not a snapshot before a late duplicate.
     */
    const settle = async (what: string, done: () => Promise<boolean>) => {
      try {
        await eventually(async () => (await pendingOutbox()).length === 0 && (await done()), what, 30_000);
      } catch (error) {
        throw new Error(`${(error as Error).message}; undelivered: ${JSON.stringify(await pendingOutbox())}`);
      }
      const before = await jobRuns();
      await eventually(
        async () => {
          const now = await jobRuns();
          return [...before].every(([key, count]) => (now.get(key) ?? 0) >= count + 2);
        },
        'two more runs of every job on every instance',
        30_000,
      );
      await sleep(5 * POLL_MS);
      expect(await pendingOutbox()).toEqual([]);
    };

    const open = async (brandCode: string, topUpCents = 0) => {
      const account = await accounts().accounts.open({ msisdn: uniqueMsisdn(), brandCode });
      if (topUpCents > 0) await topUp(account.id, topUpCents);
      return account;
    };
    const topUp = (accountId: string, amountCents: number) =>
      accounts().ledger.credit('TOP_UP', { accountId, amountCents, reference: `setup:${randomUUID()}`, reason: 'Aufladung' });
    const account = (id: string) => db('accounts').getRepository(AccountEntity).findOneByOrFail({ id });
    const ledger = (accountId: string) => db('accounts').getRepository(LedgerEntryEntity).find({ where: { accountId }, order: { id: 'ASC' } });
    const notifications = (accountId: string) => db('accounts').getRepository(NotificationEntity).findBy({ accountId });
    const orders = (accountId: string) => db('payments').getRepository(TopUpOrderEntity).find({ where: { accountId }, order: { createdAt: 'ASC', id: 'ASC' } });
    /** Oldest first; at one (fixed) time a failed payout comes before the one that replaced it. */
    const payouts = async (accountId: string) =>
      (await db('refunds').getRepository(PayoutEntity).findBy({ accountId })).sort(
        (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || Number(b.status === 'FAILED') - Number(a.status === 'FAILED'),
      );
    /** The cached balance is the sum of the ledger and the reservation that of the open sessions. */
    const expectConsistent = async (accountId: string) => {
      const row = await account(accountId);
      expect(row.balanceCents).toBe((await ledger(accountId)).reduce((sum, entry) => sum + entry.amountCents, 0));
      const open = await db('accounts').getRepository(ChargingSessionEntity).findBy({ accountId, status: 'OPEN' });
      expect(row.reservedCents).toBe(open.reduce((sum, session) => sum + session.reservedCents, 0));
      return row;
    };

    const whatsApp = async (instance: RunningSubgraph<PaymentsServices>, msisdn: string, text: string) => {
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ changes: [{ value: { messages: [{ from: msisdn.replace('+', ''), id: `wamid.${randomUUID()}`, type: 'text', text: { body: text } }] } }] }],
      });
      const response = await fetch(instance.url.replace(/\/graphql$/, WHATSAPP_WEBHOOK_PATH), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${hmacSha256Hex(stack.config.payments.whatsAppAppSecret, body)}` },
        body,
      });
      expect(response.status).toBe(200);
    };

    const chargeThirdParty = async (accountId: string, amountCents: number) => {
      const response = await stack.query(
        serviceToken,
        'mutation($input: ThirdPartyChargeInput!) { chargeThirdParty(input: $input) { replayed } }',
        { input: { accountId, amountCents, reference: `abo:${randomUUID()}`, reason: 'Abo Musikdienst' } },
      );
      expect(response.errors).toBeUndefined();
    };

    /**
     * The customer saves a card at the provider (Checkout in setup mode, webhook, relay); a behaviour
     * other than ok swaps in a card of the same customer that the fake declines that way.
     */
    const savedMethod = async (accountId: string, behaviour: 'ok' | 'insufficient_funds' = 'ok'): Promise<string> => {
      const setup = await payments().autoTopUps.startMethodSetup(customer(accountId), accountId);
      await stack.stripe.completeCheckout(/\/checkout\/([\w-]+)$/.exec(setup.setupUrl)![1]!, { method: 'card' });
      const saved = await eventually(
        async () => db('payments').getRepository(SavedPaymentMethodEntity).findOneBy({ id: setup.id, status: 'SAVED' }),
        'the saved payment method',
        30_000,
      );
      if (behaviour !== 'ok') await swapCard(setup.id, saved.providerCustomerId!, behaviour);
      return setup.id;
    };
    const swapCard = async (savedId: string, customerId: string, behaviour: 'ok' | 'insufficient_funds') => {
      const card = stack.stripe.savePaymentMethod(customerId, { behaviour });
      await db('payments').getRepository(SavedPaymentMethodEntity).update({ id: savedId }, { providerMethodId: card.id });
    };
    /** The customer opens the payment link at one payments server and pays at the provider's checkout. */
    const payAtCheckout = async (instance: RunningSubgraph<PaymentsServices>, order: TopUpOrderEntity): Promise<string> => {
      const link = await fetch(instance.url.replace(/\/graphql$/, `/pay/${order.paymentToken}`), { redirect: 'manual' });
      expect(link.status).toBe(303);
      const paid = await stack.stripe.completeCheckout(/\/checkout\/([\w-]+)$/.exec(link.headers.get('location')!)![1]!, { method: 'paypal' });
      expect(paid.webhookStatuses.every((status) => status === 200)).toBe(true);
      const completed = paid.events.find((event) => event.type === 'checkout.session.completed')!;
      return (JSON.parse(completed.payload) as { data: { object: { payment_intent: string } } }).data.object.payment_intent;
    };

    // Fixtures of the timeline, one group of accounts per job.
    const sessions: { accountId: string; ids: string[]; usageCents: number }[] = [];
    const optionAccounts: { accountId: string; optionId: string }[] = [];
    const monthly: string[] = [];
    const threshold: string[] = [];
    const unpaid: { accountId: string; orderId: string }[] = [];
    const refused: { accountId: string; order: TopUpOrderEntity }[] = [];
    const disputed: { accountId: string; order: TopUpOrderEntity }[] = [];
    const whatsAppers: { accountId: string; msisdn: string }[] = [];
    const fonic: string[] = [];
    const failedPayout = new Set<string>();
    const lidl: string[] = [];
    const telekom: string[] = [];

    it('stage A (T0): rules fire once, WhatsApp answers once, the quarter pays out once, again once after a failed payout', async () => {
      clock.set(T0);
      // Each group of accounts is opened in parallel, while every job already runs on both instances.
      const times = <T>(count: number, make: () => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: count }, make));
      const [sessionGroup, optionGroup, monthlyGroup, thresholdGroup, unpaidGroup, whatsAppGroup, fonicGroup, lidlGroup, telekomGroup, refusedGroup, disputedGroup] = await Promise.all([
        times(6, async () => {
          const { id } = await open('CONGSTAR', 1000);
          const ids = [`jobs-voice-${randomUUID()}`, `jobs-sms-${randomUUID()}`];
          let usageCents = 0;
          for (const [n, sessionId] of ids.entries()) {
            const started = await accounts().charging.start({ sessionId, accountId: id, service: n === 0 ? 'VOICE' : 'SMS', requestedUnits: 10 });
            await accounts().charging.update({ sessionId, requestNumber: 1, usedUnits: 3, requestedUnits: 0 });
            usageCents += 3 * started.unitPriceCents;
          }
          return { accountId: id, ids, usageCents };
        }),
        times(6, async () => {
          const { id } = await open('CONGSTAR', 1000);
          return { accountId: id, optionId: (await accounts().options.book({ id }, 'DATA_OPTION')).id };
        }),
        times(4, async () => {
          const { id } = await open('CONGSTAR', 100);
          await payments().autoTopUps.setRule(customer(id), { accountId: id, trigger: 'MONTHLY', thresholdCents: null, dayOfMonth: 1, amountCents: 1500, paymentMethodRef: await savedMethod(id) });
          return id;
        }),
        times(4, async () => {
          const { id } = await open('CONGSTAR', 1200);
          // A soft decline (insufficient funds) is retried after a backoff; a hard one would pause the rule.
          await payments().autoTopUps.setRule(customer(id), { accountId: id, trigger: 'BELOW_THRESHOLD', thresholdCents: 1000, dayOfMonth: null, amountCents: 1500, paymentMethodRef: await savedMethod(id, 'insufficient_funds') });
          return id;
        }),
        times(4, async () => {
          const { id } = await open('CONGSTAR');
          const order = await payments().topUps.create(SERVICE, { accountId: id, amountCents: 1500, channel: 'APP_WEB', idempotencyKey: `jobs-unpaid-${randomUUID()}` });
          return { accountId: id, orderId: order.id };
        }),
        times(4, async () => {
          const { id, msisdn } = await open('CONGSTAR');
          return { accountId: id, msisdn };
        }),
        times(6, async () => {
          const { id } = await open('FONIC', 1200);
          await refunds().standingOrders.set(customer(id), { accountId: id, holderName: 'Eva Muster', iban: IBAN });
          return id;
        }),
        times(4, async () => (await open('LIDL_CONNECT')).id),
        times(4, async () => (await open('TELEKOM', 1500)).id),
        // Orders whose contract ends before they are paid: the ledger refuses, the payment goes back once.
        times(2, async () => {
          const { id } = await open('CONGSTAR');
          const order = await payments().topUps.create(SERVICE, { accountId: id, amountCents: 2000, channel: 'APP_WEB', idempotencyKey: `jobs-refused-${randomUUID()}` });
          return { accountId: id, order };
        }),
        // Paid, credited, then charged back by the customer's bank.
        times(2, async () => {
          const { id } = await open('CONGSTAR');
          const order = await payments().topUps.create(SERVICE, { accountId: id, amountCents: 2000, channel: 'APP_WEB', idempotencyKey: `jobs-disputed-${randomUUID()}` });
          return { accountId: id, order };
        }),
      ]);
      sessions.push(...sessionGroup);
      optionAccounts.push(...optionGroup);
      monthly.push(...monthlyGroup);
      threshold.push(...thresholdGroup);
      unpaid.push(...unpaidGroup);
      whatsAppers.push(...whatsAppGroup);
      fonic.push(...fonicGroup);
      lidl.push(...lidlGroup);
      telekom.push(...telekomGroup);
      refused.push(...refusedGroup);
      disputed.push(...disputedGroup);

      // Threshold crossings with a declined card, WhatsApp "15 Euro" to both payments servers.
      await Promise.all(threshold.map((id) => chargeThirdParty(id, 300)));
      await Promise.all(whatsAppers.map((customerOf, i) => whatsApp(pair('payments')[i % 2]!, customerOf.msisdn, '15 Euro')));
      await runEveryJobTwiceAtOnce();

      // The customers pay on the hosted page; the provider reports to the server that made the link.
      const whatsAppOrders = await eventually(async () => {
        const found = await Promise.all(whatsAppers.map(async ({ accountId }) => (await orders(accountId)).find((order) => order.channel === 'WHATSAPP')));
        return found.every(Boolean) && (found as TopUpOrderEntity[]);
      }, 'the WhatsApp orders');
      await Promise.all(whatsAppOrders.map((order, i) => payAtCheckout(pair('payments')[i % 2]!, order)));
      const disputedPayments = await Promise.all(disputed.map(({ order }, i) => payAtCheckout(pair('payments')[i % 2]!, order)));
      for (const [i, { accountId, order }] of refused.entries()) {
        const link = await fetch(pair('payments')[i % 2]!.url.replace(/\/graphql$/, `/pay/${order.paymentToken}`), { redirect: 'manual' });
        const sessionId = /\/checkout\/([\w-]+)$/.exec(link.headers.get('location')!)![1]!;
        const ended = await stack.query(serviceToken, 'mutation($id: ID!) { terminateAccount(accountId: $id, initiatedBy: CUSTOMER) { status } }', { id: accountId });
        expect(ended.errors).toBeUndefined();
        await stack.stripe.completeCheckout(sessionId, { method: 'card' });
      }

      await settle('stage A effects', async () => {
        const paid = await Promise.all(fonic.map(async (id) => (await payouts(id)).some((payout) => payout.debitedAt !== null)));
        const credited = await Promise.all([...monthly, ...whatsAppers.map((w) => w.accountId)].map(async (id) => (await orders(id)).some((order) => order.status === 'CREDITED')));
        const failed = await Promise.all(threshold.map(async (id) => (await notifications(id)).some((n) => n.kind === 'AUTO_TOP_UP_FAILED')));
        const refunded = await Promise.all(refused.map(async ({ accountId }) => (await orders(accountId)).some((order) => order.status === 'REFUNDED')));
        const disputedCredited = await Promise.all(disputed.map(async ({ accountId }) => (await orders(accountId)).some((order) => order.status === 'CREDITED')));
        return [...paid, ...credited, ...failed, ...refunded, ...disputedCredited].every(Boolean);
      });

      // The banks charge the disputed payments back: the credit is taken back once, by either relay.
      for (const intentId of disputedPayments) expect((await stack.stripe.dispute(intentId)).status).toBe(200);
      await runEveryJobTwiceAtOnce();
      await settle('the chargebacks', async () =>
        (await Promise.all(disputed.map(async ({ accountId }) => (await expectConsistent(accountId)).balanceCents === 0))).every(Boolean),
      );
      for (const { accountId, order } of disputed) {
        const disputes = await db('payments').getRepository(PaymentDisputeEntity).findBy({ orderId: order.id });
        expect(disputes.map((row) => [row.status, row.recoveredCents, row.owedCents])).toEqual([['OPEN', 2000, 0]]);
        expect((await ledger(accountId)).map((entry) => [entry.reference, entry.amountCents])).toEqual([[order.id, 2000], [`chargeback:${disputes[0]!.id}`, -2000]]);
      }

      // Half of the payouts come back from the bank: the money returns, and the standing order pays it out again, once.
      for (const id of fonic.slice(0, 3)) {
        const [payout] = await payouts(id);
        await refunds().payouts.markFailed(ADMIN, payout!.id, 'IBAN erloschen');
        failedPayout.add(id);
      }
      await runEveryJobTwiceAtOnce();
      await settle('the second payouts', async () =>
        (await Promise.all([...failedPayout].map(async (id) => (await payouts(id)).filter((payout) => payout.debitedAt !== null).length === 2))).every(Boolean),
      );

      for (const id of monthly) {
        expect((await orders(id)).map((order) => [order.channel, order.status, order.amountCents])).toEqual([['AUTOMATIC', 'CREDITED', 1500]]);
        expect((await expectConsistent(id)).balanceCents).toBe(100 + 1500);
      }
      for (const id of threshold) {
        expect((await orders(id)).map((order) => [order.channel, order.status])).toEqual([['AUTOMATIC', 'FAILED']]);
        expect((await notifications(id)).map((n) => n.kind)).toEqual(['AUTO_TOP_UP_FAILED']);
        expect((await expectConsistent(id)).balanceCents).toBe(900);
      }
      const messages = db('payments').getRepository(WhatsAppMessageEntity);
      for (const { accountId, msisdn } of whatsAppers) {
        const [order, ...others] = await orders(accountId);
        expect([order!.status, others]).toEqual(['CREDITED', []]);
        // The sender has no deduplication: a message delivered by both relays would be here twice.
        const outbound = await messages.findBy({ msisdn, direction: 'OUTBOUND' });
        expect(outbound.map((message) => message.orderId)).toEqual([order!.id, order!.id]);
        expect(outbound.map((message) => message.text).sort()).toEqual([
          expect.stringMatching(/^Bitte bestätigen Sie Ihre Aufladung über 15,00\s€ .*\/pay\//),
          expect.stringMatching(/^Ihre Aufladung über 15,00\s€ ist gutgeschrieben/),
        ]);
        expect((await ledger(accountId)).map((entry) => [entry.reference, entry.amountCents])).toEqual([[order!.id, 1500]]);
      }
      for (const id of fonic) {
        const rows = await payouts(id);
        const expected = failedPayout.has(id) ? [['FAILED', 1200], ['APPROVED', 1200]] : [['APPROVED', 1200]];
        expect(rows.map((payout) => [payout.status, payout.amountCents])).toEqual(expected);
        const entries = (await ledger(id)).slice(1).map((entry) => [entry.reference, entry.amountCents]);
        expect(entries).toEqual(
          failedPayout.has(id)
            ? [[rows[0]!.id, -1200], [`payout-return:${rows[0]!.id}`, 1200], [rows[1]!.id, -1200]]
            : [[rows[0]!.id, -1200]],
        );
        expect((await expectConsistent(id)).balanceCents).toBe(0);
      }
      for (const { orderId } of unpaid) expect((await db('payments').getRepository(TopUpOrderEntity).findOneByOrFail({ id: orderId })).status).toBe('PENDING');
      for (const { accountId, order } of refused) {
        expect((await orders(accountId)).map((row) => row.status)).toEqual(['REFUNDED']);
        expect(stack.stripe.refunds().filter((refund) => (refund.metadata as Record<string, string>).order_id === order.id).map((refund) => refund.amount)).toEqual([2000]);
        expect((await ledger(accountId)).filter((entry) => entry.kind === 'TOP_UP')).toEqual([]);
      }
      // One charge at the provider per automatic order, however many relays ran it.
      for (const id of [...monthly, ...threshold]) {
        for (const order of await orders(id)) expect(stack.stripe.requests().filter((request) => request.idempotencyKey === `charge:${order.id}` && !request.replayed)).toHaveLength(1);
      }
    }, 120_000);

    it('stage B (a month later): sessions expire, options renew, monthly and retried rules fire and orders expire, each once', async () => {
      // A new card for the rules whose payment was declined; their backoff is over a month later.
      for (const id of threshold) {
        const rule = await db('payments').getRepository(AutoTopUpRuleEntity).findOneByOrFail({ accountId: id });
        const saved = await db('payments').getRepository(SavedPaymentMethodEntity).findOneByOrFail({ id: rule.paymentMethodRef });
        await swapCard(saved.id, saved.providerCustomerId!, 'ok');
      }
      clock.set(STAGE_B);
      await runEveryJobTwiceAtOnce();
      await settle('stage B effects', async () => {
        const expired = await db('accounts').getRepository(ChargingSessionEntity).countBy({ status: 'OPEN' });
        const renewed = await Promise.all(optionAccounts.map(async ({ optionId }) => (await db('accounts').getRepository(AccountOptionEntity).findOneByOrFail({ id: optionId })).paidPeriods === 2));
        const fired = await Promise.all([...monthly, ...threshold].map(async (id) => (await orders(id)).filter((order) => order.status === 'CREDITED').length === (monthly.includes(id) ? 2 : 1)));
        const unpaidExpired = await Promise.all(unpaid.map(async ({ orderId }) => (await db('payments').getRepository(TopUpOrderEntity).findOneByOrFail({ id: orderId })).status === 'EXPIRED'));
        return expired === 0 && [...renewed, ...fired, ...unpaidExpired].every(Boolean);
      });

      for (const { accountId, ids, usageCents } of sessions) {
        const rows = await db('accounts').getRepository(ChargingSessionEntity).findBy(ids.map((id) => ({ id })));
        expect(rows.map((row) => row.status)).toEqual(['EXPIRED', 'EXPIRED']);
        const usage = (await ledger(accountId)).filter((entry) => entry.kind === 'USAGE');
        expect(usage.map((entry) => entry.reference).sort()).toEqual(ids.map((id) => `charging:${id}`).sort());
        expect(await expectConsistent(accountId)).toMatchObject({ balanceCents: 1000 - usageCents, reservedCents: 0 });
      }
      for (const { accountId, optionId } of optionAccounts) {
        expect(await db('accounts').getRepository(AccountOptionEntity).findOneByOrFail({ id: optionId })).toMatchObject({ status: 'ACTIVE', paidPeriods: 2 });
        const fees = (await ledger(accountId)).filter((entry) => entry.reference.startsWith('option:'));
        expect(fees.map((entry) => [entry.reference, entry.amountCents])).toEqual([[`option:${optionId}:1`, -499], [`option:${optionId}:2`, -499]]);
        expect((await expectConsistent(accountId)).balanceCents).toBe(1000 - 2 * 499);
      }
      for (const id of monthly) {
        const rows = await orders(id);
        expect(rows.map((order) => [order.status, order.idempotencyKey.slice(-7)])).toEqual([['CREDITED', '2025-01'], ['CREDITED', '2025-02']]);
        expect((await ledger(id)).map((entry) => entry.reference).slice(1)).toEqual(rows.map((order) => order.id));
        expect((await expectConsistent(id)).balanceCents).toBe(100 + 2 * 1500);
      }
      for (const id of threshold) {
        const rows = await orders(id);
        expect(rows.map((order) => [order.channel, order.status])).toEqual([['AUTOMATIC', 'FAILED'], ['AUTOMATIC', 'CREDITED']]);
        expect((await ledger(id)).filter((entry) => entry.kind === 'TOP_UP').map((entry) => entry.reference).slice(1)).toEqual([rows[1]!.id]);
        expect(await db('payments').getRepository(AutoTopUpRuleEntity).findOneByOrFail({ accountId: id })).toMatchObject({ consecutiveFailures: 0, armed: true });
        expect((await notifications(id)).map((n) => n.kind)).toEqual(['AUTO_TOP_UP_FAILED']);
        expect((await expectConsistent(id)).balanceCents).toBe(900 + 1500);
      }
      for (const { orderId } of unpaid) {
        expect(await db('payments').getRepository(TopUpOrderEntity).findOneByOrFail({ id: orderId })).toMatchObject({ status: 'EXPIRED', expiredAt: STAGE_B });
      }

      // The bank paid the first quarter; new credit in the same quarter is not paid out again.
      expect(await refunds().exports.export(ADMIN)).not.toBeNull();
      for (const id of fonic) {
        const open = (await payouts(id)).filter((payout) => payout.status === 'APPROVED');
        for (const payout of open) await refunds().payouts.markPaid(ADMIN, payout.id);
        await topUp(id, 500);
      }
      await runEveryJobTwiceAtOnce();
      await settle('the jobs after the new credit', async () => true);
      for (const id of fonic) {
        expect((await payouts(id)).map((payout) => payout.status)).toEqual(failedPayout.has(id) ? ['FAILED', 'PAID'] : ['PAID']);
        expect((await expectConsistent(id)).balanceCents).toBe(500);
      }

      // The rules end here: the later stages terminate contracts, and this stage has proven them.
      for (const id of [...monthly, ...threshold]) await payments().autoTopUps.removeRule(customer(id), id);
    }, 120_000);

    it('stage C (next quarter): the standing orders pay out once more', async () => {
      clock.set(STAGE_C);
      await runEveryJobTwiceAtOnce();
      await settle('the second quarter', async () =>
        (await Promise.all(fonic.map(async (id) => (await payouts(id)).some((payout) => payout.amountCents === 500 && payout.debitedAt !== null)))).every(Boolean),
      );
      for (const id of fonic) {
        const rows = await payouts(id);
        expect(rows.map((payout) => [payout.status, payout.amountCents, payout.quarterLabel])).toEqual([
          ...(failedPayout.has(id) ? [['FAILED', 1200, '2025-Q1']] : []),
          ['PAID', 1200, '2025-Q1'],
          ['APPROVED', 500, '2025-Q2'],
        ]);
        expect((await ledger(id)).filter((entry) => entry.reference === rows.at(-1)!.id).map((entry) => entry.amountCents)).toEqual([-500]);
        expect((await expectConsistent(id)).balanceCents).toBe(0);
      }
    }, 120_000);

    it('stage D (up to two years later): every transition, notice, termination and entitlement once', async () => {
      const statuses = async (ids: string[]) => new Set((await db('accounts').getRepository(AccountEntity).findBy(ids.map((id) => ({ id })))).map((row) => row.status));

      clock.set(addMonths(T0, 12));
      await runEveryJobTwiceAtOnce();
      await settle('LIDL SIMs inactive', async () => (await statuses(lidl)).size === 1 && (await statuses(lidl)).has('INACTIVE'));

      // LIDL's inactive month is over; all three of Telekom's notices are due at once.
      clock.set(addDays(addMonths(T0, 23), -7));
      await runEveryJobTwiceAtOnce();
      await settle('LIDL SIMs deactivated and the notices', async () => {
        const noticed = await Promise.all(telekom.map(async (id) => (await notifications(id)).length === 3));
        return (await statuses(lidl)).has('DEACTIVATED') && (await statuses(lidl)).size === 1 && noticed.every(Boolean);
      });

      clock.set(addMonths(T0, 24));
      await runEveryJobTwiceAtOnce();
      await settle('the terminations and their entitlements', async () => {
        const entitled = await db('refunds').getRepository(PayoutEntitlementEntity).countBy(telekom.map((accountId) => ({ accountId })));
        return entitled === telekom.length && (await statuses(telekom)).has('TERMINATED') && (await statuses(telekom)).size === 1;
      });

      for (const id of lidl) {
        expect(await account(id)).toMatchObject({ status: 'DEACTIVATED', balanceCents: 0 });
        expect(await notifications(id)).toEqual([]);
      }
      const entitlements = await db('accounts').getRepository(OutboxMessageEntity).findBy({ topic: PAYOUT_ENTITLEMENT_TOPIC });
      for (const id of telekom) {
        const kinds = (await notifications(id)).map((n) => n.kind).sort();
        expect(kinds).toEqual(['CONTRACT_TERMINATED', 'TERMINATION_NOTICE', 'TERMINATION_NOTICE', 'TERMINATION_NOTICE']);
        expect(entitlements.filter((message) => (JSON.parse(message.payload) as { accountId: string }).accountId === id)).toHaveLength(1);
        expect(await db('refunds').getRepository(PayoutEntitlementEntity).findBy({ accountId: id })).toEqual([expect.objectContaining({ initiatedBy: 'BRAND' })]);
        // Credit never expires: the terminated SIM still holds its top-up for the payout.
        expect(await expectConsistent(id)).toMatchObject({ status: 'TERMINATED', balanceCents: 1500 });
      }
    }, 120_000);

    it('delivered every relayed message exactly once, and every listed job ran on every instance without a failed run', async () => {
      await settle('the end of the timeline', async () => true);
      const delivered = async (name: SubgraphName, operation: string) => {
        let sum = 0;
        for (const instance of name === 'policies' ? [stack.subgraphs.policies] : instances[name]) {
          sum += metricValue(await scrape(instance as RunningSubgraph<unknown>), 'guthaben_graphql_operations_total', { operation, outcome: 'ok' });
        }
        return sum;
      };
      const outbox = async (name: JobSubgraph, topic: string) => {
        const row = await db(name)
          .getRepository(OutboxMessageEntity)
          .createQueryBuilder('message')
          .select('COUNT(*)', 'messages')
          .addSelect('COALESCE(SUM(message.attempts), 0)', 'attempts')
          .where('message.topic = :topic', { topic })
          .getRawOne<{ messages: string | number; attempts: string | number }>();
        return { messages: Number(row?.messages ?? 0), attempts: Number(row?.attempts ?? 0) };
      };
      // These receivers act again on a second delivery, so their calls count the deliveries. A relay
      // records every attempt of a message it owns; a delivery by a relay that did not own the
      // message is a call beyond the attempts. Only a failed attempt (e.g. a timeout) may repeat one.
      const receivers = [
        { topic: PAYOUT_ENTITLEMENT_TOPIC, from: 'accounts', deliveries: () => delivered('refunds', 'OpenPayoutEntitlement') },
        { topic: AUTO_TOP_UP_TOPIC, from: 'accounts', deliveries: () => delivered('payments', 'AutoTopUpTriggered') },
        { topic: NOTIFICATION_TOPIC, from: 'payments', deliveries: () => delivered('accounts', 'Notify') },
        { topic: WHATSAPP_SEND_TOPIC, from: 'payments', deliveries: () => db('payments').getRepository(WhatsAppMessageEntity).countBy({ direction: 'OUTBOUND' }) },
      ] as const;
      for (const receiver of receivers) {
        const report = { topic: receiver.topic, deliveries: await receiver.deliveries(), ...(await outbox(receiver.from, receiver.topic)) };
        expect(report.messages).toBeGreaterThan(0);
        expect({ ...report, onceOrAfterAFailedAttempt: report.deliveries >= report.messages && report.deliveries <= report.attempts }).toEqual({
          ...report,
          onceOrAfterAFailedAttempt: true,
        });
      }
      expect((await outbox('accounts', PAYOUT_ENTITLEMENT_TOPIC)).messages).toBeGreaterThanOrEqual(telekom.length);

      for (const row of JOBS.filter((candidate) => candidate.job === RELAY)) {
        const produced = await db(row.subgraph).getRepository(OutboxMessageEntity).createQueryBuilder('message').select('DISTINCT message.topic', 'topic').getRawMany<{ topic: string }>();
        expect({ relay: row.subgraph, topics: produced.map((found) => found.topic).sort() }).toEqual({ relay: row.subgraph, topics: [...row.topics!].sort() });
      }
      for (const name of ['accounts', 'payments', 'refunds'] as const) {
        for (const [index, instance] of instances[name].entries()) {
          const text = await scrape(instance as RunningSubgraph<unknown>);
          const jobs = timedJobs(name);
          expect({ instance: `${name}#${index}`, jobs: metricLabels(text, 'guthaben_job_runs_total', 'job') }).toEqual({ instance: `${name}#${index}`, jobs: [...jobs].sort() });
          for (const job of jobs) {
            expect({ job, ok: metricValue(text, 'guthaben_job_runs_total', { job, outcome: 'ok' }) > 10, failed: metricValue(text, 'guthaben_job_runs_total', { job, outcome: 'error' }) }).toEqual({ job, ok: true, failed: 0 });
          }
        }
      }
      // Nothing else drifted: every balance is its ledger, every reservation its open sessions.
      for (const { id } of await db('accounts').getRepository(AccountEntity).find()) await expectConsistent(id);
    }, 120_000);
  });
});
