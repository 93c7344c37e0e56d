import type { DataSource, EntityManager, SelectQueryBuilder, ObjectLiteral } from 'typeorm';
import { hasRowLocks, isSqlite } from './data-source';

const RETRYABLE_MYSQL_ERRORS = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
const MAX_ATTEMPTS = 5;

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: string; driverError?: { code?: string } })?.driverError?.code ??
    (error as { code?: string })?.code;
  return typeof code === 'string' && RETRYABLE_MYSQL_ERRORS.has(code);
}

/**
 * Runs units of work in transactions. On MariaDB, row locks do the isolation and deadlock victims are
 * retried. On embedded SQLite, TypeORM shares one connection for everything, so concurrent
 * transactions would nest into each other: they are queued instead (SQLite has one writer anyway).
 */
export class TransactionRunner {
  private sqliteQueue: Promise<unknown> = Promise.resolve();
  /** Pooled MariaDB connections already switched to READ COMMITTED (a session setting survives the pool). */
  private readonly readCommittedConnections = new WeakSet<object>();

  constructor(private readonly dataSource: DataSource) {}

  get usesRowLocks(): boolean {
    return hasRowLocks(this.dataSource);
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (isSqlite(this.dataSource)) {
      const next = this.sqliteQueue.then(() => this.dataSource.transaction(work));
      this.sqliteQueue = next.catch(() => undefined);
      return next;
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.runReadCommitted(work);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10 * attempt));
      }
    }
  }

  /**
   * What `dataSource.transaction('READ COMMITTED', work)` does, minus its `SET TRANSACTION ISOLATION
   * LEVEL` before every transaction: the level is set once per pooled connection for the session,
   * which saves a round trip per transaction on the hottest paths (charging, ledger).
   */
  private async runReadCommitted<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const connection = (await runner.connect()) as object;
      if (!this.readCommittedConnections.has(connection)) {
        await runner.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
        this.readCommittedConnections.add(connection);
      }
      await runner.startTransaction();
      try {
        const result = await work(runner.manager);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    } finally {
      await runner.release();
    }
  }

  /** Adds SELECT … FOR UPDATE where the database has row locks (SQLite's queue already serializes). */
  forUpdate<Entity extends ObjectLiteral>(query: SelectQueryBuilder<Entity>): SelectQueryBuilder<Entity> {
    return this.usesRowLocks ? query.setLock('pessimistic_write') : query;
  }
}
