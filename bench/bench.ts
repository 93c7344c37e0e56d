import 'reflect-metadata';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createConnection } from 'mysql2/promise';
import { issueDevelopmentToken } from '../gateway/src/jwt';
import { loadConfig, SUBGRAPH_NAMES } from '../subgraphs/common/src/config';
import type { Config, SubgraphName } from '../subgraphs/common/src/config';
import Stripe from 'stripe';
import { PAYMENT_WEBHOOK_PATH, STRIPE_SIGNATURE_HEADER } from '../subgraphs/payments/src/services/payment-webhook.service';
import { PRINCIPAL_HEADER, signPrincipalHeader } from '../subgraphs/common/src/principal';
import { freePorts } from '../subgraphs/common/src/testing/free-ports';
import { freshProductionSecrets } from '../subgraphs/common/src/testing/production-secrets';
import { countInconsistentBalances, loadDataset } from './dataset';
import { runDirectCharging } from './direct-charging';
import { collectAndMeasure } from './memory-probe';
import type { MemorySample } from './memory-probe';
import type { BenchAccount, Dataset } from './dataset';
import { renderChart, renderResults } from './report';
import type { BenchReport, InterleavedRatio, LoadResult, MemoryRun, PassResult, ScenarioCalibration, SqlMethod } from './report';

const root = join(__dirname, '..', '..');
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306';
const PREFIX = 'bench_';
const ACCOUNTS = Math.max(1000, Math.min(2_000_000, Number(process.env.BENCH_ACCOUNTS ?? 100_000)));
const DURATION_S = Math.max(2, Math.min(120, Number(process.env.BENCH_DURATION ?? 10)));
const CONNECTIONS = Math.max(1, Math.min(256, Number(process.env.BENCH_CONNECTIONS ?? 32)));
const CALIBRATION_OPS = 100;
/** Scenario-set runs on the same WORKERS=1 processes, for the memory-growth check (1 turns it off). */
const REPEAT = Math.max(1, Math.min(10, Number(process.env.BENCH_REPEAT ?? 3) || 1));
// Half the measured duration by default: with the forced GC, memory after a run is stable to a few percent.
const REPEAT_DURATION_S = Math.max(2, Math.min(120, Number(process.env.BENCH_REPEAT_DURATION ?? Math.ceil(DURATION_S / 2))));
/** BENCH_HIVE=0 skips the Hive Gateway side by side. */
const HIVE = process.env.BENCH_HIVE !== '0';
/** Growth of a service's RSS from run 2 to run 3 that still counts as flat (see renderResults). */
const MEMORY_TOLERANCE = 0.1;
/** Idle time after each memory run before the forced GC, for deliveries the load left in flight. */
const SETTLE_S = Math.max(0, Math.min(60, Number(process.env.BENCH_SETTLE ?? 5)));
const TOKENS_PER_POOL = 20_000;
/**
 * Unmeasured load before every measured one, same scenario and target: JIT compilation, caches and
 * connection pools are warm, so the first scenario through a fresh process (or the first of two
 * gateways) is not the one that pays for them. BENCH_WARMUP=0 turns it off.
 */
const WARMUP_S = Math.max(0, Math.min(60, Number(process.env.BENCH_WARMUP ?? 3)));

interface Stack {
  config: Config;
  env: Record<string, string>;
  processes: Record<SubgraphName | 'gateway', ChildProcess> & { hive?: ChildProcess };
  gatewayUrl: string;
  /** Hive Gateway on the same subgraphs, when this pass compares against it. */
  hiveUrl?: string;
  /** DevTools ports per process, where memory is measured after a forced GC. */
  inspectorPorts?: Record<string, number>;
  subgraphBase: Record<SubgraphName, string>;
}

interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The next operation's request(s), sent to the given gateway's /graphql (ours or Hive). */
type NextOperation = (gatewayUrl: string) => HttpRequest[];

interface Scenario {
  key: string;
  title: string;
  /** Builds the next operation's request(s); async work (tokens) happens before the run. */
  prepare: (stack: Stack, data: Dataset) => Promise<NextOperation>;
  /** Single-request scenarios run under autocannon; chained ones (two hosts) under the closed loop. */
  chained?: boolean;
  /** Goes through a gateway, so it also runs through Hive Gateway. */
  viaGateway?: boolean;
  /** Its prepared requests expire within minutes (signed principal headers): see PreparedOperations. */
  shortLived?: boolean;
}

/**
 * Each scenario's prepared requests on one stack. Token pools last the whole bench (2 h); a
 * short-lived scenario's signed principal headers (PRINCIPAL_MAX_AGE_SECONDS) are signed again when
 * they would pass half their maximum age before the coming load ends.
 */
class PreparedOperations {
  private readonly entries = new Map<string, { next: NextOperation; at: number }>();

  constructor(
    private readonly stack: Stack,
    private readonly dataset: Dataset,
  ) {}

  async for(scenario: Scenario, loadS: number): Promise<NextOperation> {
    const entry = this.entries.get(scenario.key);
    const endsAtS = entry ? (Date.now() - entry.at) / 1000 + loadS : Infinity;
    if (entry && (!scenario.shortLived || endsAtS <= this.stack.config.principalMaxAgeSeconds / 2)) return entry.next;
    const next = await scenario.prepare(this.stack, this.dataset);
    this.entries.set(scenario.key, { next, at: Date.now() });
    return next;
  }
}

const hiveKey = (key: string): string => `${key}-hive`;

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function progressBar(label: string, done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / Math.max(1, total)) * width);
  process.stdout.write(`\r  ${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  if (done >= total) process.stdout.write('\n');
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

async function tokenPool(config: Config, count: number, claims: (index: number) => { role: 'partner' | 'service'; brand?: string }): Promise<string[]> {
  const tokens: string[] = [];
  for (let index = 0; index < count; index += 1) {
    tokens.push(await issueDevelopmentToken(config, { sub: `bench-${index}`, ...claims(index) }, '2h'));
  }
  return tokens;
}

/** Partner tokens per brand; each request takes the next one, so requests carry distinct tokens. */
async function partnerTokens(config: Config, data: Dataset): Promise<Record<string, string[]>> {
  const perBrand = Math.ceil(TOKENS_PER_POOL / data.brands.length);
  const pools: Record<string, string[]> = {};
  for (const brand of data.brands) pools[brand] = await tokenPool(config, perBrand, () => ({ role: 'partner', brand }));
  return pools;
}

function rotating(pool: readonly string[]): () => string {
  let next = 0;
  return () => pool[(next = (next + 1) % pool.length)]!;
}

function graphql(url: string, token: string, query: string, variables: Record<string, unknown>): HttpRequest {
  return {
    url,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  };
}

const SELF_SERVICE = `query SelfService($id: ID!) { account(id: $id) { id msisdn balance { cents formatted }
  brand { code name policy { version effectiveFrom } } validity { validUntil phase daysLeft }
  topUps(first: 5) { nodes { id status amount { cents } } } payoutEligibility { eligible reason amount { cents } } } }`;
const DASHBOARD = (first: number) => `query Dashboard { accounts(first: ${first}) { totalCount edges { node { id msisdn balance { cents }
  brand { code name } validity { validUntil phase } } } } }`;
const CHARGING = `mutation Charging($start: StartChargingSessionInput!, $end: TerminateChargingSessionInput!) {
  started: startChargingSession(input: $start) { id status } ended: terminateChargingSession(input: $end) { id status charged { cents } } }`;
const CREATE_TOP_UP = `mutation TopUp($input: CreateTopUpInput!) { createTopUp(input: $input) { id status } }`;
const SINGLE = `query Single($id: ID!) { account(id: $id) { id msisdn status balance { cents } } }`;

function activeAccounts(data: Dataset, brands = data.brands): { account: BenchAccount; brand: string }[] {
  return brands.flatMap((brand) => data.active[brand]!.slice(0, 2000).map((account) => ({ account, brand })));
}

const ALL_SCENARIOS: Scenario[] = [
  {
    key: 's1',
    viaGateway: true,
    title: '1 self-service read (4 subgraphs)',
    prepare: async (stack, data) => {
      const pools = await partnerTokens(stack.config, data);
      const next = Object.fromEntries(Object.entries(pools).map(([brand, pool]) => [brand, rotating(pool)]));
      const accounts = activeAccounts(data);
      return (gatewayUrl) => {
        const { account, brand } = pick(accounts);
        return [graphql(gatewayUrl, next[brand]!(), SELF_SERVICE, { id: account.id })];
      };
    },
  },
  {
    key: 's2',
    viaGateway: true,
    title: '2 dashboard list of 50',
    prepare: async (stack, data) => {
      const pools = await partnerTokens(stack.config, data);
      const next = Object.fromEntries(Object.entries(pools).map(([brand, pool]) => [brand, rotating(pool)]));
      return (gatewayUrl) => [graphql(gatewayUrl, next[pick(data.brands)]!(), DASHBOARD(50), {})];
    },
  },
  {
    key: 's3',
    viaGateway: true,
    title: '3 charging start+terminate (write)',
    prepare: async (stack, data) => {
      const next = rotating(await tokenPool(stack.config, TOKENS_PER_POOL, () => ({ role: 'service' })));
      const accounts = chargeableAccounts(data);
      return (gatewayUrl) => {
        const sessionId = `bench;${randomUUID()}`;
        const account = pick(accounts);
        return [
          graphql(gatewayUrl, next(), CHARGING, {
            start: { sessionId, accountId: account.id, service: 'SMS', requestedUnits: 1 },
            end: { sessionId, usedUnits: 1 },
          }),
        ];
      };
    },
  },
  {
    key: 's4',
    viaGateway: true,
    title: '4 top-up order + signed webhook (write)',
    chained: true,
    prepare: async (stack, data) => {
      const pools = await partnerTokens(stack.config, data);
      const next = Object.fromEntries(Object.entries(pools).map(([brand, pool]) => [brand, rotating(pool)]));
      const accounts = activeAccounts(data);
      return (gatewayUrl) => {
        const { account, brand } = pick(accounts);
        return [
          graphql(gatewayUrl, next[brand]!(), CREATE_TOP_UP, {
            input: { accountId: account.id, amountCents: 1500, channel: 'APP_WEB', idempotencyKey: `bench4-${randomUUID()}` },
          }),
        ];
      };
    },
  },
  {
    key: 's5',
    viaGateway: true,
    title: '5 single-subgraph read via gateway',
    prepare: async (stack, data) => {
      const pools = await partnerTokens(stack.config, data);
      const next = Object.fromEntries(Object.entries(pools).map(([brand, pool]) => [brand, rotating(pool)]));
      const accounts = activeAccounts(data);
      return (gatewayUrl) => {
        const { account, brand } = pick(accounts);
        return [graphql(gatewayUrl, next[brand]!(), SINGLE, { id: account.id })];
      };
    },
  },
  {
    key: 's5d',
    title: '5 same query straight to accounts',
    shortLived: true,
    prepare: async (stack, data) => {
      const headers: Record<string, string[]> = {};
      for (const brand of data.brands) {
        headers[brand] = [];
        for (let index = 0; index < Math.ceil(TOKENS_PER_POOL / data.brands.length); index += 1) {
          headers[brand].push(
            await signPrincipalHeader({ role: 'partner', subject: `bench-${index}`, brand }, stack.config.internalSigningSecret, stack.config.principalMaxAgeSeconds, 'accounts'),
          );
        }
      }
      const next = Object.fromEntries(Object.entries(headers).map(([brand, pool]) => [brand, rotating(pool)]));
      const accounts = activeAccounts(data);
      return () => {
        const { account, brand } = pick(accounts);
        return [
          {
            url: `${stack.subgraphBase.accounts}/graphql`,
            headers: { 'content-type': 'application/json', [PRINCIPAL_HEADER]: next[brand]!() },
            body: JSON.stringify({ query: SINGLE, variables: { id: account.id } }),
          },
        ];
      };
    },
  },
];

/** BENCH_SCENARIOS=s3,s5,s5d runs only those (for profiling one path); the default is all of them. */
const SELECTED = (process.env.BENCH_SCENARIOS ?? '').split(',').map((key) => key.trim()).filter(Boolean);
const SCENARIOS = SELECTED.length > 0 ? ALL_SCENARIOS.filter((scenario) => SELECTED.includes(scenario.key)) : ALL_SCENARIOS;

const firstErrors = new Map<string, string>();

function isGraphQLError(status: number, body: string, errorKey?: string): boolean {
  const failed = status !== 200 || body.includes('"errors"');
  if (failed && errorKey && !firstErrors.has(errorKey)) firstErrors.set(errorKey, `${status} ${body.slice(0, 300)}`);
  return failed;
}

/**
 * One way of running a scenario: through our gateway or Hive Gateway (or straight, where the
 * scenario ignores the gateway URL); errorKey files its first error and its results.
 */
interface Target {
  gatewayUrl: string;
  errorKey: string;
}

/** Sends one operation: its requests one after the other; scenario 4 adds the provider's webhook. */
async function sendOperation(stack: Stack, scenario: Scenario, requests: HttpRequest[], errorKey: string): Promise<boolean> {
  for (const request of requests) {
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
    const text = await response.text();
    if (isGraphQLError(response.status, text, errorKey)) return false;
    if (scenario.key === 's4') {
      const order = (JSON.parse(text) as { data: { createTopUp: { id: string } } }).data.createTopUp;
      // The provider's side of a paid checkout: a Checkout Session completion, signed like Stripe signs it.
      const payload = JSON.stringify({
        id: `evt_${randomUUID().replace(/-/g, '')}`,
        object: 'event',
        api_version: '2026-11-18.endive',
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        pending_webhooks: 1,
        type: 'checkout.session.completed',
        data: {
          object: {
            id: `cs_test_${randomUUID().replace(/-/g, '')}`,
            object: 'checkout.session',
            mode: 'payment',
            status: 'complete',
            payment_status: 'paid',
            amount_total: 1500,
            currency: 'eur',
            client_reference_id: order.id,
            metadata: { order_id: order.id },
            payment_intent: `pi_${randomUUID().replace(/-/g, '')}`,
          },
        },
      });
      const webhook = await fetch(`${stack.subgraphBase.payments}${PAYMENT_WEBHOOK_PATH}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [STRIPE_SIGNATURE_HEADER]: Stripe.webhooks.generateTestHeaderString({ payload, secret: stack.config.payments.stripe.webhookSecret }),
        },
        body: payload,
      });
      await webhook.text();
      if (isGraphQLError(webhook.status, '', errorKey)) return false;
    }
  }
  return true;
}

async function subgraphOperations(stack: Stack): Promise<number> {
  let total = 0;
  for (const name of SUBGRAPH_NAMES) {
    const text = await (await fetch(`${stack.subgraphBase[name]}/metrics`)).text();
    for (const line of text.split('\n')) {
      if (line.startsWith('guthaben_graphql_operations_total{')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

/**
 * Counts SQL statements over a window: start() opens it, stop() returns the statements since,
 * keyed by subgraph database (performance_schema) or under `total` only (MariaDB `Questions`).
 * One connection for the whole bench, so a server near max_connections cannot fail a reading.
 */
interface StatementCounter {
  method: SqlMethod;
  start: () => Promise<void>;
  stop: () => Promise<Record<string, number>>;
  close: () => Promise<void>;
}

async function statementCounter(): Promise<StatementCounter> {
  const connection = await createConnection({ uri: SERVER_URL });
  const close = (): Promise<void> => connection.end();
  const [enabled] = await connection.query('SELECT @@performance_schema AS enabled');
  let digests = Number((enabled as { enabled: number }[])[0]?.enabled) === 1;
  if (digests) {
    const [consumers] = await connection.query("SELECT ENABLED FROM performance_schema.setup_consumers WHERE NAME = 'statements_digest'");
    digests = (consumers as { ENABLED: string }[])[0]?.ENABLED === 'YES';
  }
  if (digests) {
    // This connection has no default schema, so its own TRUNCATE and SELECT count under NULL.
    return {
      method: 'performance_schema',
      start: async () => void (await connection.query('TRUNCATE TABLE performance_schema.events_statements_summary_by_digest')),
      stop: async () => {
        const [rows] = await connection.query(
          'SELECT SCHEMA_NAME AS db, SUM(COUNT_STAR) AS n FROM performance_schema.events_statements_summary_by_digest WHERE SCHEMA_NAME IS NOT NULL GROUP BY SCHEMA_NAME',
        );
        const counts: Record<string, number> = {};
        for (const name of SUBGRAPH_NAMES) {
          counts[name] = Number((rows as { db: string; n: string }[]).find((row) => row.db === `${PREFIX}${name}`)?.n ?? 0);
        }
        return counts;
      },
      close,
    };
  }
  const questions = async (): Promise<number> => {
    const [rows] = await connection.query("SHOW GLOBAL STATUS LIKE 'Questions'");
    return Number((rows as { Value: string }[])[0]!.Value);
  };
  let from = 0;
  return {
    method: 'questions',
    start: async () => {
      from = await questions();
    },
    // The SHOW GLOBAL STATUS that opened the window is one of the Questions.
    stop: async () => ({ total: (await questions()) - from - 1 }),
    close,
  };
}

/**
 * Sequential operations with one worker per service, so /metrics sees every subgraph request.
 * Background jobs also run SQL: the idle rate measured right before is subtracted.
 */
async function calibrate(stack: Stack, counter: StatementCounter, scenario: Scenario, next: () => HttpRequest[], errorKey: string): Promise<ScenarioCalibration> {
  const idleRate = async (): Promise<Record<string, number>> => {
    await counter.start();
    const from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const counts = await counter.stop();
    const elapsed = Date.now() - from;
    return Object.fromEntries(Object.entries(counts).map(([key, count]) => [key, count / elapsed]));
  };
  const before = await idleRate();
  const operationsBefore = await subgraphOperations(stack);
  await counter.start();
  const from = Date.now();
  let failed = 0;
  for (let index = 0; index < CALIBRATION_OPS; index += 1) {
    if (!(await sendOperation(stack, scenario, next(), errorKey))) failed += 1;
  }
  const elapsed = Date.now() - from;
  const raw = await counter.stop();
  const operations = (await subgraphOperations(stack)) - operationsBefore;
  // A job run inside one idle window would inflate it: the quieter of the two windows counts.
  const after = await idleRate();
  const perOp = Object.fromEntries(
    Object.entries(raw).map(([key, count]) => [key, Math.max(0, count - Math.min(before[key] ?? 0, after[key] ?? 0) * elapsed) / CALIBRATION_OPS]),
  );
  const bySubgraph = counter.method === 'performance_schema' ? perOp : undefined;
  return {
    subgraphRequestsPerOp: operations / CALIBRATION_OPS,
    sqlPerOp: Object.values(perOp).reduce((sum, value) => sum + value, 0),
    ...(bySubgraph ? { sqlPerOpBySubgraph: bySubgraph } : {}),
    failed,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const CLOCK_TICKS_PER_SECOND = 100;

interface ProcessRow {
  pid: number;
  ppid: number;
  rssKiB: number;
  command: string;
}

function listProcesses(): ProcessRow[] {
  return execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss=,comm='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [pid, ppid, rss, command] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), rssKiB: Number(rss), command: command ?? '' };
    });
}

/** Each service's processes: its primary and the workers it forked. */
function processesPerService(stack: Stack, rows: readonly ProcessRow[]): [string, ProcessRow[]][] {
  return children(stack).map(([name, child]) => [name, rows.filter(({ pid, ppid }) => pid === child.pid || ppid === child.pid)]);
}

interface CpuSample {
  /** user + system, ms */
  total: Record<string, number>;
  system: Record<string, number>;
  /** The whole machine from /proc/stat, ms summed over all cores: busy (user, nice, system, irq, softirq) and stolen by the hypervisor. */
  machineBusy: number;
  machineSteal: number;
  at: number;
}

function machineCpu(): { busy: number; steal: number } {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const ms = (ticks: number | undefined): number => ((ticks ?? 0) * 1000) / CLOCK_TICKS_PER_SECOND;
  return { busy: ms(user) + ms(nice) + ms(system) + ms(irq) + ms(softirq), steal: ms(steal) };
}

/**
 * CPU time of each service so far, its forked workers included, from /proc: per-operation CPU says
 * which process a scenario costs (it grows too when the machine is busy elsewhere, hence the rest of
 * the machine beside it). The bench
 * process itself (load generator, direct mysql2) counts as `bench`, a local MariaDB/MySQL server as
 * `mariadb`.
 */
function sampleCpu(stack: Stack): CpuSample {
  const machine = machineCpu();
  const sample: CpuSample = { total: {}, system: {}, machineBusy: machine.busy, machineSteal: machine.steal, at: performance.now() };
  const add = (name: string, pids: readonly number[]): void => {
    for (const pid of pids) {
      let fields: string[];
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      } catch {
        continue; // a worker that exited since ps listed it
      }
      const user = (Number(fields[11]) * 1000) / CLOCK_TICKS_PER_SECOND;
      const system = (Number(fields[12]) * 1000) / CLOCK_TICKS_PER_SECOND;
      sample.total[name] = (sample.total[name] ?? 0) + user + system;
      sample.system[name] = (sample.system[name] ?? 0) + system;
    }
  };
  const rows = listProcesses();
  add('bench', [process.pid]);
  // A local database server is on the same cores: its share of each operation belongs in the picture.
  const database = rows.filter(({ command }) => command === 'mariadbd' || command === 'mysqld');
  if (database.length > 0) add('mariadb', database.map(({ pid }) => pid));
  for (const [name, own] of processesPerService(stack, rows)) add(name, own.map(({ pid }) => pid));
  return sample;
}

function load(stack: Stack, scenario: Scenario, next: NextOperation, target: Target, durationS: number): Promise<LoadResult> {
  return withCpu(stack, () => loadOnly(stack, scenario, next, target, durationS));
}

async function withCpu(stack: Stack, run: () => Promise<LoadResult>): Promise<LoadResult> {
  const before = sampleCpu(stack);
  const result = await run();
  const after = sampleCpu(stack);
  const operations = Math.max(1, result.operations);
  const cpuMsPerOp: Record<string, number> = {};
  const sysMsPerOp: Record<string, number> = {};
  for (const [name, ms] of Object.entries(after.total)) {
    const spent = ms - (before.total[name] ?? 0);
    if (spent > 0) cpuMsPerOp[name] = spent / operations;
    sysMsPerOp[name] = ((after.system[name] ?? 0) - (before.system[name] ?? 0)) / operations;
  }
  // What the bench's own processes did not use: other processes, kernel threads and interrupts. A stray
  // busy process shows here (and in the report) instead of silently slowing a scenario down.
  const capacity = Math.max(1, (after.at - before.at) * availableParallelism());
  const ours = Object.keys(after.total).reduce((sum, name) => sum + Math.max(0, after.total[name]! - (before.total[name] ?? 0)), 0);
  const restShare = Math.max(0, (after.machineBusy - before.machineBusy - ours) / capacity);
  const stealShare = Math.max(0, (after.machineSteal - before.machineSteal) / capacity);
  return { ...result, cpuMsPerOp, sysMsPerOp, restShare, stealShare };
}

/** Slices of each side when a ratio is measured in alternation (BENCH_PAIR_SLICES=0 turns it off). */
const PAIR_SLICES = Math.max(0, Math.min(20, Number(process.env.BENCH_PAIR_SLICES ?? 4)));
const PAIR_SLICE_S = Math.max(1, Math.min(30, Number(process.env.BENCH_PAIR_SLICE ?? 3)));

/**
 * A ratio of two loads in alternating short slices (ours, limit, ours, limit, …): this machine's speed
 * drifts by tens of percent within minutes (other guests on the host), so two 10 s runs a minute
 * apart can differ for reasons that have nothing to do with either side. Neighbouring slices see the
 * same machine.
 */
async function interleavedRatio(limit: string, ours: () => Promise<LoadResult>, theirs: () => Promise<LoadResult>): Promise<InterleavedRatio> {
  let oursOps = 0;
  let theirsOps = 0;
  let oursS = 0;
  let theirsS = 0;
  const sliceRatios: number[] = [];
  let errors = 0;
  for (let slice = 0; slice < PAIR_SLICES; slice += 1) {
    const a = await ours();
    const b = await theirs();
    errors += a.errors + b.errors;
    oursOps += a.operations;
    theirsOps += b.operations;
    oursS += a.operations / Math.max(1e-9, a.requestsPerSecond);
    theirsS += b.operations / Math.max(1e-9, b.requestsPerSecond);
    sliceRatios.push(a.requestsPerSecond / Math.max(1e-9, b.requestsPerSecond));
  }
  return { limit, sliceS: PAIR_SLICE_S, ours: oursOps / Math.max(1e-9, oursS), theirs: theirsOps / Math.max(1e-9, theirsS), sliceRatios, errors };
}

/** The two target ratios again, in alternation: gateway vs. straight to accounts, charging vs. direct mysql2. */
async function measurePairs(stack: Stack, dataset: Dataset, prepared: PreparedOperations, pairs: Record<string, InterleavedRatio>): Promise<void> {
  const scenarioOf = (key: string): Scenario | undefined => SCENARIOS.find((scenario) => scenario.key === key);
  const slice = async (scenario: Scenario, errorKey: string): Promise<LoadResult> =>
    loadOnly(stack, scenario, await prepared.for(scenario, PAIR_SLICE_S), { gatewayUrl: stack.gatewayUrl, errorKey }, PAIR_SLICE_S, `${scenario.title} (slice)`);
  const report = (key: string, pair: InterleavedRatio): void => {
    pairs[key] = pair;
    log(`    ${pair.ours.toFixed(0)} vs. ${pair.theirs.toFixed(0)} ops/s: ${((100 * pair.ours) / Math.max(1e-9, pair.theirs)).toFixed(0)}% (slices ${pair.sliceRatios.map((r) => `${(100 * r).toFixed(0)}%`).join(', ')}), errors ${pair.errors}`);
  };
  const single = scenarioOf('s5');
  const straight = scenarioOf('s5d');
  if (single && straight) {
    log(`  5 gateway vs. straight to accounts, ${PAIR_SLICES} alternating ${PAIR_SLICE_S} s slices each`);
    report('s5', await interleavedRatio('s5d', () => slice(single, 's5-pair'), () => slice(straight, 's5d-pair')));
  }
  const charging = scenarioOf('s3');
  if (charging) {
    log(`  3 charging vs. the same SQL straight through mysql2, ${PAIR_SLICES} alternating ${PAIR_SLICE_S} s slices each`);
    const accounts = chargeableAccounts(dataset);
    report('s3', await interleavedRatio('s3d', () => slice(charging, 's3-pair'), () => runDirectCharging(SERVER_URL, `${PREFIX}accounts`, accounts, CONNECTIONS, PAIR_SLICE_S)));
  }
}

/** The accounts scenario 3 charges, through the gateway and straight through mysql2 alike (credit for a session). */
function chargeableAccounts(dataset: Dataset): BenchAccount[] {
  return activeAccounts(dataset)
    .map(({ account }) => account)
    .filter((account) => account.balanceCents >= 500);
}

/** Scenarios 2 and 4 (every second one through a gateway) run through Hive Gateway first, the others through ours. */
function hiveGoesFirst(scenario: Scenario): boolean {
  return ALL_SCENARIOS.filter(({ viaGateway }) => viaGateway).indexOf(scenario) % 2 === 1;
}

/** The same load, unmeasured and with its own error key; a top-up warm-up's credits land before the measured run starts. */
async function warmUp(stack: Stack, scenario: Scenario, next: NextOperation, target: Target): Promise<void> {
  if (WARMUP_S === 0) return;
  await loadOnly(stack, scenario, next, { ...target, errorKey: `${target.errorKey}-warmup` }, WARMUP_S, `${targetLabel(scenario, target)} (warm-up)`);
  if (scenario.key === 's4') await creditsLanded(stack, (await paidBenchOrders(stack)) ?? 0);
}

function targetLabel(scenario: Scenario, target: Target): string {
  return target.errorKey === scenario.key ? scenario.title : `${scenario.title} [Hive]`;
}

async function loadOnly(stack: Stack, scenario: Scenario, next: NextOperation, target: Target, durationS: number, label = targetLabel(scenario, target)): Promise<LoadResult> {
  if (scenario.chained) {
    // autocannon keeps each connection on one host; the webhook goes to payments, so a closed loop.
    const latencies: number[] = [];
    let errors = 0;
    const until = Date.now() + durationS * 1000;
    const started = Date.now();
    const timer = setInterval(() => progressBar(label, Math.min(durationS, Math.round((Date.now() - started) / 1000)), durationS), 1000);
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        for (let count = 0; count < 1_000_000 && Date.now() < until; count += 1) {
          const from = performance.now();
          const ok = await sendOperation(stack, scenario, next(target.gatewayUrl), target.errorKey).catch(() => false);
          latencies.push(performance.now() - from);
          if (!ok) errors += 1;
        }
      }),
    );
    clearInterval(timer);
    progressBar(label, durationS, durationS);
    latencies.sort((a, b) => a - b);
    return {
      requestsPerSecond: latencies.length / ((Date.now() - started) / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      errors,
      operations: latencies.length,
    };
  }
  const first = next(target.gatewayUrl)[0]!;
  let errors = 0;
  const started = Date.now();
  const timer = setInterval(() => progressBar(label, Math.min(durationS, Math.round((Date.now() - started) / 1000)), durationS), 1000);
  const result = await autocannon({
    url: first.url,
    connections: CONNECTIONS,
    duration: durationS,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const built = next(target.gatewayUrl)[0]!;
          return { ...request, headers: built.headers, body: built.body };
        },
        onResponse: (status: number, body: string) => {
          if (isGraphQLError(status, body, target.errorKey)) errors += 1;
        },
      },
    ],
  });
  clearInterval(timer);
  progressBar(label, durationS, durationS);
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: errors + result.errors,
    operations: result.requests.total,
  };
}

function spawnService(name: string, script: string, env: Record<string, string>, inspectorPort?: number): ChildProcess {
  const logFile = join(tmpdir(), `guthaben-bench-${name}.log`);
  // BENCH_PROFILE=gateway,accounts writes V8 CPU profiles of those services (workers included).
  const profile = (process.env.BENCH_PROFILE ?? '').split(',').includes(name) ? ['--cpu-prof', `--cpu-prof-dir=${join(tmpdir(), 'guthaben-bench-profiles')}`] : [];
  // The memory check collects garbage through the inspector (loopback, a free port, no client until then).
  const inspect = inspectorPort ? [`--inspect=127.0.0.1:${inspectorPort}`] : [];
  // BENCH_NODE_FLAGS="--trace-gc …" adds Node/V8 flags to every service (for investigation; NODE_OPTIONS refuses some).
  const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, ...profile, ...inspect, join(root, 'dist', script)], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const sink = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(sink);
  child.stderr?.pipe(sink);
  return child;
}

async function waitReady(url: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 0; attempt < 1000 && Date.now() < deadline; attempt += 1) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} not ready within ${deadlineMs} ms (logs in ${tmpdir()}/guthaben-bench-*.log)`);
}

function exitOf(child: ChildProcess, deadlineMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, deadlineMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Every worker of every subgraph opens its own pool: with more workers the pools shrink so that
 * they, the direct mysql2 run and the bench's own connections stay under max_connections.
 */
async function poolSizeFor(workers: number): Promise<number> {
  const connection = await createConnection({ uri: SERVER_URL });
  try {
    const [rows] = await connection.query('SELECT @@max_connections AS max');
    const max = Number((rows as { max: string }[])[0]!.max);
    const spare = max - CONNECTIONS - 20;
    return Math.max(2, Math.min(20, Math.floor(spare / (SUBGRAPH_NAMES.length * workers))));
  } finally {
    await connection.end();
  }
}

async function startStack(baseEnv: Record<string, string>, workers: number, withHive: boolean, inspect: boolean): Promise<Stack> {
  const env: Record<string, string> = { ...baseEnv, WORKERS: String(workers), DATABASE_POOL_SIZE: String(await poolSizeFor(workers)) };
  const config = loadConfig({ ...process.env, ...env });
  const processes = {} as Stack['processes'];
  const names = [...SUBGRAPH_NAMES, 'gateway', 'hive'];
  const inspectorPorts = inspect ? Object.fromEntries((await freePorts(names.length)).map((port, index) => [names[index]!, port])) : undefined;
  for (const name of SUBGRAPH_NAMES) processes[name] = spawnService(name, `subgraphs/${name}/src/server.js`, env, inspectorPorts?.[name]);
  const subgraphBase = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, config.subgraphUrls[name].replace(/\/graphql$/, '')])) as Stack['subgraphBase'];
  for (const name of SUBGRAPH_NAMES) await waitReady(`${subgraphBase[name]}/ready`, 60_000);
  processes.gateway = spawnService('gateway', 'gateway/src/server.js', env, inspectorPorts?.gateway);
  const gatewayBase = `http://127.0.0.1:${config.ports.gateway}`;
  await waitReady(`${gatewayBase}/ready`, 60_000);
  const stack: Stack = { config, env, processes, gatewayUrl: `${gatewayBase}/graphql`, subgraphBase, ...(inspectorPorts ? { inspectorPorts } : {}) };
  if (!withHive) return stack;
  // One process, like the WORKERS=1 gateway it is compared with.
  processes.hive = spawnService('hive', 'bench/hive-gateway.js', env, inspectorPorts?.hive);
  const hiveBase = `http://127.0.0.1:${env.HIVE_GATEWAY_PORT}`;
  await waitReady(`${hiveBase}/ready`, 60_000);
  // The comparison is only fair if Hive does the auth work too: a request without a token must fail.
  const anonymous = await fetch(`${hiveBase}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: SINGLE, variables: { id: '00000000-0000-0000-0000-000000000000' } }),
  });
  const refusal = await anonymous.text();
  if (!refusal.includes('UNAUTHENTICATED')) throw new Error(`Hive Gateway answered a request without a token: ${anonymous.status} ${refusal.slice(0, 300)}`);
  return { ...stack, hiveUrl: `${hiveBase}/graphql` };
}

function children(stack: Stack): [string, ChildProcess][] {
  return Object.entries(stack.processes).filter((entry): entry is [string, ChildProcess] => entry[1] !== undefined);
}

async function stopStack(stack: Stack): Promise<void> {
  for (const [, child] of children(stack)) child.kill('SIGTERM');
  await Promise.all(children(stack).map(([, child]) => exitOf(child, 30_000)));
}

/** RSS of each service: its primary plus the workers it forked. */
function rssPerService(stack: Stack): Record<string, number> {
  return Object.fromEntries(processesPerService(stack, listProcesses()).map(([name, own]) => [name, own.reduce((sum, { rssKiB }) => sum + rssKiB * 1024, 0)]));
}

/** RSS and V8 heap used of every process right after a full garbage collection (single-process services only). */
async function memoryAfterGc(stack: Stack): Promise<Record<string, MemorySample>> {
  const result: Record<string, MemorySample> = {};
  for (const [name] of children(stack)) {
    const port = stack.inspectorPorts?.[name];
    if (port) result[name] = await collectAndMeasure(port);
  }
  return result;
}

async function dropDatabases(): Promise<void> {
  const connection = await createConnection({ uri: SERVER_URL });
  try {
    for (const name of SUBGRAPH_NAMES) await connection.query(`DROP DATABASE IF EXISTS \`${PREFIX}${name}\``);
  } finally {
    await connection.end();
  }
}

async function creditsLanded(stack: Stack, expected: number): Promise<{ landed: number; seconds: number }> {
  const connection = await createConnection({ uri: SERVER_URL });
  const from = Date.now();
  let landed = 0;
  let movedAt = from;
  try {
    // Polled often enough that the time reported says when the last credit landed (to a quarter second).
    while (Date.now() - from < 120_000) {
      const [rows] = await connection.query(
        `SELECT COUNT(*) AS n FROM \`${PREFIX}payments\`.top_up_order WHERE status = 'CREDITED' AND idempotency_key LIKE 'bench4-%'`,
      );
      const now = Number((rows as { n: string }[])[0]!.n);
      if (now !== landed) movedAt = Date.now();
      landed = now;
      if (now >= expected) break;
      // Credits the ledger refuses never land: stop once nothing moved for ten seconds.
      if (Date.now() - movedAt > 10_000) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await connection.end();
  }
  void stack;
  return { landed, seconds: (Date.now() - from) / 1000 };
}

async function main(): Promise<void> {
  const ports = await freePorts(6);
  const baseEnv: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: SERVER_URL,
    DATABASE_NAME_PREFIX: PREFIX,
    GATEWAY_PORT: String(ports[0]),
    HIVE_GATEWAY_PORT: String(ports[5]),
    ...Object.fromEntries(SUBGRAPH_NAMES.flatMap((name, index) => [
      [`${name.toUpperCase()}_PORT`, String(ports[index + 1])],
      [`${name.toUpperCase()}_URL`, `http://127.0.0.1:${ports[index + 1]}/graphql`],
    ])),
    ...freshProductionSecrets(),
    PRINCIPAL_MAX_AGE_SECONDS: '300',
    RATE_LIMIT_PER_MINUTE: '1000000',
    DATABASE_POOL_SIZE: '20',
  };
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  log(`guthaben bench: ${ACCOUNTS} accounts, ${DURATION_S}s per scenario after ${WARMUP_S}s of warm-up, ${CONNECTIONS} connections, ${machine.cores} cores (${machine.cpu})`);
  log(`  WORKERS=1 pass: ${REPEAT} run(s) on the same processes (runs after the first: ${REPEAT_DURATION_S}s per scenario, memory measured after a forced GC ${SETTLE_S}s after each)${HIVE ? ', with Hive Gateway side by side' : ''}`);

  await dropDatabases();
  const passes: PassResult[] = [];
  let calibration: Record<string, ScenarioCalibration> = {};
  let dashboardSql: Record<number, number> = {};
  let credits: { landed: number; expected: number; seconds: number } | undefined;
  let dataset: Dataset | undefined;
  let sqlMethod: SqlMethod = 'questions';
  let counter: StatementCounter | undefined;
  try {
    log('migrating…');
    execFileSync(process.execPath, [join(root, 'dist', 'scripts', 'migrate.js')], { cwd: root, env: { ...process.env, ...baseEnv }, stdio: ['ignore', 'ignore', 'inherit'] });
    log('loading data set…');
    const loadStart = Date.now();
    dataset = await loadDataset(SERVER_URL, PREFIX, ACCOUNTS, (done, total) => progressBar('accounts', done, total));
    const inconsistent = await countInconsistentBalances(SERVER_URL, PREFIX);
    log(`  ${JSON.stringify(dataset.counts)} in ${((Date.now() - loadStart) / 1000).toFixed(1)}s; balances not matching their ledger: ${inconsistent}`);
    if (inconsistent > 0) throw new Error('data set is inconsistent');

    const workerCounts = process.env.BENCH_WORKERS
      ? process.env.BENCH_WORKERS.split(',').map((value) => Math.max(1, Math.min(256, Number(value) || 1)))
      : [...new Set([1, availableParallelism()])];
    if (workerCounts[0] !== 1) workerCounts.unshift(1);
    counter = await statementCounter();
    sqlMethod = counter.method;
    log(`SQL statements counted with ${counter.method === 'performance_schema' ? 'performance_schema (per subgraph database)' : "MariaDB's global Questions (performance_schema is off)"}`);
    for (const workers of workerCounts) {
      const withHive = HIVE && workers === 1;
      const repeats = workers === 1 ? REPEAT : 1;
      log(`\nstarting the stack with WORKERS=${workers} (NODE_ENV=production)${withHive ? ' and Hive Gateway (one process)' : ''}…`);
      const stack = await startStack(baseEnv, workers, withHive, repeats > 1);
      try {
        const results: Record<string, LoadResult> = {};
        const hive: Record<string, LoadResult> = {};
        const memoryRuns: MemoryRun[] = [];
        const pairs: Record<string, InterleavedRatio> = {};
        const prepared = new PreparedOperations(stack, dataset);
        for (let run = 1; run <= repeats; run += 1) {
          // Run 1 is the measured one; later runs repeat the load on the same processes for the memory check.
          const measured = run === 1;
          const durationS = measured ? DURATION_S : REPEAT_DURATION_S;
          if (!measured) log(`\nrun ${run}/${repeats} on the same processes (${durationS} s per scenario, for memory growth)…`);
          const ops: Record<string, number> = {};
          let operations = 0;
          let errors = 0;
          const record = (key: string, result: LoadResult): void => {
            ops[key] = result.requestsPerSecond;
            operations += result.operations;
            errors += result.errors;
            log(`    ${result.requestsPerSecond.toFixed(0)} ops/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, errors ${result.errors}/${result.operations}`);
            if (result.cpuMsPerOp) log(`    CPU ms/op: ${formatCpu(result.cpuMsPerOp, result.sysMsPerOp)}${formatRest(result)}`);
            if (firstErrors.has(key)) log(`    first error: ${firstErrors.get(key)}`);
          };
          for (const scenario of SCENARIOS) {
            const next = await prepared.for(scenario, WARMUP_S + durationS);
            const ours: Target = { gatewayUrl: stack.gatewayUrl, errorKey: scenario.key };
            if (measured && workers === 1) {
              calibration[scenario.key] = await calibrate(stack, counter, scenario, () => next(stack.gatewayUrl), scenario.key);
              if (scenario.key === 's2') {
                for (const size of [10, 50]) {
                  const partner = await issueDevelopmentToken(stack.config, { sub: 'bench-size', role: 'partner', brand: 'CONGSTAR' }, '1h');
                  const sized = await calibrate(stack, counter, scenario, () => [graphql(stack.gatewayUrl, partner, DASHBOARD(size), {})], scenario.key);
                  dashboardSql = { ...dashboardSql, [size]: sized.sqlPerOp };
                  calibration[`s2-${size}`] = sized;
                }
              }
            }
            // Paid top-ups are credited through the outbox after the run: in the measured run that backlog
            // must drain before the next calibration or load, or they pay for it (and the last one is the check).
            const landCredits = async (): Promise<void> => {
              if (!measured || scenario.key !== 's4') return;
              const expected = (await paidBenchOrders(stack)) ?? 0;
              const landed = await creditsLanded(stack, expected);
              credits = { ...landed, expected };
              log(`    credits landed ${landed.landed}/${expected} (${landed.seconds.toFixed(1)}s after the run)`);
            };
            const viaHive: Target | undefined = scenario.viaGateway && stack.hiveUrl ? { gatewayUrl: stack.hiveUrl, errorKey: hiveKey(scenario.key) } : undefined;
            // The gateway that goes first alternates from scenario to scenario, so neither always meets the
            // machine in the state the scenario before left it (a backlog, a colder cache) nor always goes second.
            const hiveFirst = viaHive !== undefined && hiveGoesFirst(scenario);
            const targets = viaHive ? (hiveFirst ? [viaHive, ours] : [ours, viaHive]) : [ours];
            for (const target of targets) {
              if (measured && target === viaHive) calibration[target.errorKey] = await calibrate(stack, counter, scenario, () => next(target.gatewayUrl), target.errorKey);
              if (measured) await warmUp(stack, scenario, next, target);
              const result = await load(stack, scenario, next, target, durationS);
              record(target.errorKey, result);
              if (measured) (target === ours ? results : hive)[scenario.key] = result;
              await landCredits();
            }
            if (measured && scenario.key === 's3') {
              log('  3 same charging transactions straight through mysql2');
              const accounts = chargeableAccounts(dataset);
              if (WARMUP_S > 0) await runDirectCharging(SERVER_URL, `${PREFIX}accounts`, accounts, CONNECTIONS, WARMUP_S);
              const direct = await withCpu(stack, () => runDirectCharging(SERVER_URL, `${PREFIX}accounts`, accounts, CONNECTIONS, DURATION_S));
              results.s3d = direct;
              log(`    ${direct.requestsPerSecond.toFixed(0)} ops/s, p50 ${direct.p50.toFixed(1)} ms, p99 ${direct.p99.toFixed(1)} ms, errors ${direct.errors}/${direct.operations}`);
              if (direct.cpuMsPerOp) log(`    CPU ms/op: ${formatCpu(direct.cpuMsPerOp, direct.sysMsPerOp)}${formatRest(direct)}`);
            }
          }
          if (measured && PAIR_SLICES > 0) await measurePairs(stack, dataset, prepared, pairs);
          const rss = rssPerService(stack);
          log(`  RSS after run ${run}: ${Object.entries(rss).map(([name, bytes]) => `${name} ${(bytes / 2 ** 20).toFixed(0)} MiB`).join(', ')}`);
          if (stack.inspectorPorts) {
            // Outbox deliveries and credits still in flight finish first, then every process collects its garbage.
            await new Promise((resolve) => setTimeout(resolve, SETTLE_S * 1000));
            const afterGc = await memoryAfterGc(stack);
            memoryRuns.push({ run, durationS, rss, afterGc, operations, errors, requestsPerSecond: ops });
            log(`  after GC: ${Object.entries(afterGc).map(([name, sample]) => `${name} RSS ${(sample.rss / 2 ** 20).toFixed(0)} MiB heap ${(sample.heapUsed / 2 ** 20).toFixed(0)} MiB`).join(', ')}`);
          } else {
            memoryRuns.push({ run, durationS, rss, operations, errors, requestsPerSecond: ops });
          }
        }
        passes.push({
          workers,
          results,
          ...(withHive ? { hive } : {}),
          rss: memoryRuns[0]!.rss,
          ...(memoryRuns.length > 1 ? { memoryRuns } : {}),
          ...(Object.keys(pairs).length > 0 ? { pairs } : {}),
        });
      } finally {
        await stopStack(stack);
      }
    }
  } finally {
    await counter?.close().catch(() => undefined);
    await dropDatabases();
  }
  const report: BenchReport = {
    machine,
    accounts: ACCOUNTS,
    durationS: DURATION_S,
    warmupS: WARMUP_S,
    connections: CONNECTIONS,
    scenarios: SCENARIOS.flatMap((scenario) => [
      { key: scenario.key, title: scenario.title, ...(scenario.viaGateway ? { viaGateway: true, ...(hiveGoesFirst(scenario) ? { hiveFirst: true } : {}) } : {}) },
      ...(scenario.key === 's3' ? [{ key: 's3d', title: '3 same SQL straight via mysql2', withoutServices: true }] : []),
    ]),
    passes,
    calibration,
    dashboardSql,
    credits,
    sqlMethod,
    memoryTolerance: MEMORY_TOLERANCE,
    settleS: SETTLE_S,
    ...(passes.some((pass) => pass.hive) ? { hiveVersion: hiveVersion() } : {}),
  };
  // A partial run (BENCH_SCENARIOS) is for investigation: it leaves the committed results alone.
  const resultsDir = SELECTED.length > 0 ? tmpdir() : join(root, 'bench');
  writeFileSync(join(resultsDir, 'RESULTS.md'), renderResults(report));
  writeFileSync(join(resultsDir, 'results.svg'), renderChart(report));
  log(`\n${renderResults(report)}`);
}

function formatCpu(cpuMsPerOp: Record<string, number>, sysMsPerOp: Record<string, number> = {}): string {
  return Object.entries(cpuMsPerOp)
    .filter(([, ms]) => ms >= 0.005)
    .map(([name, ms]) => `${name} ${ms.toFixed(2)}${sysMsPerOp[name] !== undefined ? ` (sys ${sysMsPerOp[name]!.toFixed(2)})` : ''}`)
    .join(', ');
}

function formatRest(result: LoadResult): string {
  if (result.restShare === undefined) return '';
  return `; rest of the machine ${(result.restShare * 100).toFixed(0)}% of the CPUs, stolen ${((result.stealShare ?? 0) * 100).toFixed(0)}%`;
}

function hiveVersion(): string {
  const manifest = JSON.parse(readFileSync(join(root, 'node_modules', '@graphql-hive', 'gateway-runtime', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** Paid bench orders so far (every webhook that answered 200 made one PAID or CREDITED). */
async function paidBenchOrders(stack: Stack): Promise<number | undefined> {
  void stack;
  const connection = await createConnection({ uri: SERVER_URL });
  try {
    const [rows] = await connection.query(
      `SELECT COUNT(*) AS n FROM \`${PREFIX}payments\`.top_up_order WHERE status IN ('PAID', 'CREDITED') AND idempotency_key LIKE 'bench4-%'`,
    );
    return Number((rows as { n: string }[])[0]!.n);
  } finally {
    await connection.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
