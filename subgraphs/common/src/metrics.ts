import { existsSync, readFileSync } from 'node:fs';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import type { Route } from './http';

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** The gateway's query plan names a subgraph fetch `<client operation>__<subgraph>__<n>`. */
const QUERY_PLAN_SUFFIX = /__[a-z]+__\d+$/;

export interface ServiceMetricsOptions {
  /** Persisted-query manifest whose operation names are always labels of their own. */
  safelistPath?: string;
  /** Other operation names labelled as first seen, up to this many; later ones count as "other". */
  maxOperationNames?: number;
}

/** The options a service's metrics take from configuration. */
export function metricsOptions(config: Config): ServiceMetricsOptions {
  return { safelistPath: config.gateway.safelistPath, maxOperationNames: config.metricsMaxOperationNames };
}

function registeredOperationNames(path: string | undefined): Set<string> {
  if (!path || !existsSync(path)) return new Set();
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { operations?: { name?: string | null }[] };
  return new Set((manifest.operations ?? []).flatMap((operation) => (operation.name ? [operation.name] : [])));
}

/**
 * Prometheus metrics of one process, served at /metrics. Label values are bounded: operation names
 * are chosen by clients, and each new one would add series that are never evicted. Registered
 * operations (the safelist) keep their names; other names are labelled as first seen up to
 * maxOperationNames, after which they count as "other"; names that are not plain identifiers count
 * as "invalid", anonymous operations as "anonymous".
 */
export class ServiceMetrics {
  private readonly registeredOperations: Set<string>;
  private readonly maxOperationNames: number;
  private readonly seenOperations = new Set<string>();
  readonly registry = new Registry();
  private readonly operations: Counter<'operation' | 'outcome'>;
  private readonly duration: Histogram<'operation'>;
  private readonly errors: Counter<'code'>;
  private readonly jobs: Counter<'job' | 'outcome'>;

  constructor(
    readonly service: string,
    options: ServiceMetricsOptions = {},
  ) {
    this.registeredOperations = registeredOperationNames(options.safelistPath);
    this.maxOperationNames = options.maxOperationNames ?? 100;
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'guthaben_' });
    this.operations = new Counter({
      name: 'guthaben_graphql_operations_total',
      help: 'GraphQL operations by name and outcome (ok, error).',
      labelNames: ['operation', 'outcome'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'guthaben_graphql_operation_duration_seconds',
      help: 'GraphQL operation latency by operation name.',
      labelNames: ['operation'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.errors = new Counter({
      name: 'guthaben_graphql_errors_total',
      help: 'GraphQL errors by extensions.code.',
      labelNames: ['code'],
      registers: [this.registry],
    });
    this.jobs = new Counter({
      name: 'guthaben_job_runs_total',
      help: 'Background job runs by job and outcome.',
      labelNames: ['job', 'outcome'],
      registers: [this.registry],
    });
  }

  /** The label an operation name is counted under (see the class comment). */
  operationLabel(operationName: string | null | undefined): string {
    if (!operationName) return 'anonymous';
    if (!OPERATION_NAME.test(operationName)) return 'invalid';
    if (this.registeredOperations.has(operationName.replace(QUERY_PLAN_SUFFIX, ''))) return operationName;
    if (this.seenOperations.has(operationName)) return operationName;
    if (this.seenOperations.size >= this.maxOperationNames) return 'other';
    this.seenOperations.add(operationName);
    return operationName;
  }

  recordJobRun(job: string, outcome: 'ok' | 'error'): void {
    this.jobs.inc({ job, outcome });
  }

  /** Runs a job and counts its outcome; errors are rethrown. */
  async timeJob<T>(job: string, work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.recordJobRun(job, 'ok');
      return result;
    } catch (error) {
      this.recordJobRun(job, 'error');
      throw error;
    }
  }

  /** Connections of a MySQL pool (all / idle), read when scraped. */
  watchPool(dataSource: DataSource): void {
    const pool = (dataSource.driver as unknown as { pool?: { _allConnections?: { length: number }; _freeConnections?: { length: number } } }).pool;
    new Gauge({
      name: 'guthaben_db_pool_connections',
      help: 'Database pool connections by state (MariaDB/MySQL; SQLite has one connection).',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const all = pool?._allConnections?.length ?? 1;
        const idle = pool?._freeConnections?.length ?? (pool ? 0 : 1);
        this.set({ state: 'open' }, all);
        this.set({ state: 'idle' }, idle);
        this.set({ state: 'busy' }, Math.max(0, all - idle));
      },
    });
  }

  /** Undelivered outbox messages and the age of the oldest, read from the database when scraped. */
  watchOutbox(dataSource: DataSource): void {
    const read = async (): Promise<{ pending: number; ageSeconds: number }> => {
      const rows: { pending: number | string; oldest: string | Date | null }[] = await dataSource.query(
        'SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM outbox_message WHERE delivered_at IS NULL',
      );
      const row = rows[0];
      const oldest = row?.oldest ? new Date(row.oldest instanceof Date ? row.oldest : `${String(row.oldest).replace(' ', 'T')}Z`) : null;
      return { pending: Number(row?.pending ?? 0), ageSeconds: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0 };
    };
    new Gauge({
      name: 'guthaben_outbox_pending_messages',
      help: 'Outbox messages not yet delivered.',
      registers: [this.registry],
      async collect() {
        this.set((await read()).pending);
      },
    });
    new Gauge({
      name: 'guthaben_outbox_lag_seconds',
      help: 'Age of the oldest undelivered outbox message.',
      registers: [this.registry],
      async collect() {
        this.set((await read()).ageSeconds);
      },
    });
  }

  plugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
    const metrics = this;
    return {
      async requestDidStart() {
        const started = process.hrtime.bigint();
        let operation = 'anonymous';
        return {
          async didResolveOperation({ operationName }) {
            operation = metrics.operationLabel(operationName);
          },
          async willSendResponse({ response, errors }) {
            const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
            const codes = [...(errors ?? []).map((error) => error.extensions?.code), ...(body?.errors ?? []).map((error) => error.extensions?.code)];
            for (const code of new Set(codes)) metrics.errors.inc({ code: typeof code === 'string' ? code : 'UNKNOWN' });
            metrics.operations.inc({ operation, outcome: codes.length > 0 ? 'error' : 'ok' });
            metrics.duration.observe({ operation }, Number(process.hrtime.bigint() - started) / 1e9);
          },
        };
      },
    };
  }

  route(): Route {
    return {
      method: 'GET',
      path: '/metrics',
      handle: async ({ res }) => {
        const body = await this.registry.metrics();
        res.writeHead(200, { 'content-type': this.registry.contentType });
        res.end(body);
      },
    };
  }
}
