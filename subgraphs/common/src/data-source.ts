import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { createConnection } from 'mysql2/promise';
import type { MysqlDriver } from 'typeorm/driver/mysql/MysqlDriver';
import type { DatabaseTarget, DatabaseTimeouts } from './config';

// TypeORM's option types want constructor functions; `Function` is what they are declared with.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityList = MixedList<Function | string | EntitySchema>;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type MigrationList = MixedList<Function | string>;

export interface DataSourceSpec {
  target: DatabaseTarget;
  entities: EntityList;
  migrations: MigrationList;
  poolSize: number;
  /** Defaults to DEFAULT_DATABASE_TIMEOUTS (the configuration's defaults). */
  timeouts?: DatabaseTimeouts;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { connectMs: 5_000, acquireMs: 5_000, statementMs: 10_000, busyMs: 5_000 };

export function isSqlite(dataSource: DataSource): boolean {
  return dataSource.options.type === 'better-sqlite3';
}

/** MariaDB/MySQL lock rows (SELECT … FOR UPDATE); embedded SQLite has none and queues its transactions instead. */
export function hasRowLocks(dataSource: DataSource): boolean {
  return !isSqlite(dataSource);
}

/** Creates the database on the MySQL/MariaDB server if it is missing; SQLite creates its file itself. */
export async function ensureDatabaseExists(target: DatabaseTarget): Promise<void> {
  if (target.kind === 'sqlite') {
    if (target.location !== ':memory:') mkdirSync(dirname(target.location), { recursive: true });
    return;
  }
  const url = new URL(target.location);
  url.pathname = '/';
  const connection = await createConnection({ uri: url.toString() });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${target.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
    );
  } finally {
    await connection.end();
  }
}

export async function dropDatabase(target: DatabaseTarget): Promise<void> {
  if (target.kind === 'sqlite') return;
  const url = new URL(target.location);
  url.pathname = '/';
  const connection = await createConnection({ uri: url.toString() });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${target.database}\``);
  } finally {
    await connection.end();
  }
}

export function buildDataSourceOptions(spec: DataSourceSpec): DataSourceOptions {
  const timeouts = spec.timeouts ?? DEFAULT_DATABASE_TIMEOUTS;
  const common = {
    entities: spec.entities,
    migrations: spec.migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'schema_migrations',
    logging: false,
    // TypeORM prints a statement that outlasts maxQueryExecutionTime to the console whatever
    // `logging` says; the error formatter already logs the timeout once, with the request.
    logger: { logQuery: () => undefined, logQueryError: () => undefined, logQuerySlow: () => undefined, logSchemaBuild: () => undefined, logMigration: () => undefined, log: () => undefined },
  } as const;
  if (spec.target.kind === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: spec.target.location,
      enableWAL: spec.target.location !== ':memory:',
      prepareDatabase: (db: { pragma: (sql: string) => unknown }) => {
        db.pragma('foreign_keys = ON');
        db.pragma(`busy_timeout = ${timeouts.busyMs}`);
      },
    };
  }
  return {
    ...common,
    type: 'mysql',
    url: spec.target.location,
    timezone: 'Z',
    charset: 'utf8mb4_bin',
    supportBigNumbers: true,
    bigNumberStrings: true,
    poolSize: spec.poolSize,
    connectTimeout: timeouts.connectMs,
    // mysql2's per-query timeout: it also fires when the server or the network stalls (no byte
    // arrives), which a server-side max_statement_time cannot see; the connection is then dropped.
    enableQueryTimeout: true,
    maxQueryExecutionTime: timeouts.statementMs,
    // trace: false stops mysql2's promise wrapper from capturing a stack trace for every statement
    // (about 4% of a subgraph's CPU on the charging path); TypeORM's QueryFailedError still carries
    // the caller's async stack.
    extra: { connectionLimit: spec.poolSize, enableKeepAlive: true, trace: false },
  };
}

/** Opens the data source, creating the database first; it never synchronizes the schema. */
export async function openDataSource(spec: DataSourceSpec): Promise<DataSource> {
  await ensureDatabaseExists(spec.target);
  const dataSource = new DataSource(buildDataSourceOptions(spec));
  await dataSource.initialize();
  if (!isSqlite(dataSource)) boundPoolAcquire(dataSource, (spec.timeouts ?? DEFAULT_DATABASE_TIMEOUTS).acquireMs);
  return dataSource;
}

type GetConnection = (callback: (error: unknown, connection?: { release: () => void }) => void) => void;

/**
 * mysql2's pool queues callers without limit while every connection is busy (with a stalled
 * database: forever). This bounds the wait: past `acquireMs` the caller gets POOL_ACQUIRE_TIMEOUT
 * (reported as SERVICE_UNAVAILABLE), and a connection that turns up later goes back to the pool.
 */
function boundPoolAcquire(dataSource: DataSource, acquireMs: number): void {
  const pool = (dataSource.driver as MysqlDriver).pool as { getConnection: GetConnection };
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = (callback) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      callback(Object.assign(new Error(`no database connection free within ${acquireMs} ms`), { code: 'POOL_ACQUIRE_TIMEOUT' }));
    }, acquireMs);
    getConnection((error, connection) => {
      if (settled) {
        connection?.release();
        return;
      }
      settled = true;
      clearTimeout(timer);
      callback(error, connection);
    });
  };
}

/** BIGINT columns: MySQL returns them as strings, SQLite as numbers; both become safe JS integers. */
export const bigintColumn = {
  to: (value: number | null | undefined): number | null | undefined => value,
  from: (value: string | number | null): number | null => {
    if (value === null || value === undefined) return null;
    const parsed = typeof value === 'number' ? value : Number(value);
    if (!Number.isSafeInteger(parsed)) throw new Error(`stored value ${String(value)} is not a safe integer`);
    return parsed;
  },
};

/** A unique or primary key refused the row (MariaDB ER_DUP_ENTRY, SQLite constraint): someone was first. */
export function isDuplicateKeyError(error: unknown): boolean {
  const code = (error as { driverError?: { code?: string } })?.driverError?.code ?? (error as { code?: string })?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
