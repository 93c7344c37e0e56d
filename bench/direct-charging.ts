import { randomUUID } from 'node:crypto';
import { createPool } from 'mysql2/promise';
import type { PoolConnection } from 'mysql2/promise';
import type { BenchAccount } from './dataset';
import type { LoadResult } from './report';

const UNIT_PRICE_CENTS = 9;

async function transaction(connection: PoolConnection, work: () => Promise<void>): Promise<void> {
  await connection.query('START TRANSACTION');
  try {
    await work();
    await connection.query('COMMIT');
  } catch (error) {
    await connection.query('ROLLBACK');
    throw error;
  }
}

/**
 * The database limit for scenario 3: the charging session's two transactions (start: lock the
 * account, check the session id, read the booked options, insert the session, reserve; terminate:
 * lock session and account, debit, write the ledger entry, close the session), the same 14
 * statements the accounts service sends, straight through mysql2, no HTTP, no GraphQL, at the same
 * concurrency as the scenario.
 */
export async function runDirectCharging(
  serverUrl: string,
  database: string,
  accounts: readonly BenchAccount[],
  connections: number,
  durationS: number,
): Promise<LoadResult> {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const pool = createPool({ uri: url.toString(), connectionLimit: connections });
  const latencies: number[] = [];
  let errors = 0;
  const started = Date.now();
  const until = started + durationS * 1000;
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (let count = 0; count < 1_000_000 && Date.now() < until; count += 1) {
          const account = accounts[Math.floor(Math.random() * accounts.length)]!;
          const sessionId = `direct;${randomUUID()}`;
          const from = performance.now();
          const connection = await pool.getConnection();
          try {
            await transaction(connection, async () => {
              await connection.query('SELECT id, balance_cents, reserved_cents, status FROM account WHERE id = ? FOR UPDATE', [account.id]);
              await connection.query('SELECT id FROM charging_session WHERE id = ?', [sessionId]);
              // Options the account has booked may cover the service (then it is free): read on every start.
              await connection.query("SELECT * FROM account_option WHERE account_id = ? AND status = 'ACTIVE' ORDER BY booked_at, id", [account.id]);
              const now = new Date();
              await connection.query(
                `INSERT INTO charging_session (id, account_id, service, status, zero_rated, unit_price_cents, granted_units, last_granted_units,
                   used_units, final_grant, low_balance, reserved_cents, charged_cents, last_request_number, started_at, expires_at, updated_at)
                 VALUES (?, ?, 'SMS', 'ACTIVE', 0, ?, 1, 1, 0, 0, 0, ?, 0, 0, ?, ?, ?)`,
                [sessionId, account.id, UNIT_PRICE_CENTS, UNIT_PRICE_CENTS, now, new Date(now.getTime() + 3_600_000), now],
              );
              await connection.query('UPDATE account SET reserved_cents = reserved_cents + ?, updated_at = ? WHERE id = ?', [UNIT_PRICE_CENTS, now, account.id]);
            });
            await transaction(connection, async () => {
              await connection.query('SELECT * FROM charging_session WHERE id = ? FOR UPDATE', [sessionId]);
              const [rows] = await connection.query('SELECT balance_cents FROM account WHERE id = ? FOR UPDATE', [account.id]);
              const balance = Number((rows as { balance_cents: string }[])[0]!.balance_cents) - UNIT_PRICE_CENTS;
              const now = new Date();
              await connection.query('UPDATE account SET balance_cents = ?, reserved_cents = reserved_cents - ?, last_chargeable_use_at = ?, updated_at = ? WHERE id = ?', [
                balance, UNIT_PRICE_CENTS, now, now, account.id,
              ]);
              await connection.query(
                "INSERT INTO ledger_entry (account_id, kind, amount_cents, balance_after_cents, reference, reason, created_at, cause) VALUES (?, 'USAGE', ?, ?, ?, 'SMS', ?, 'SMS')",
                [account.id, -UNIT_PRICE_CENTS, balance, `charging:${sessionId}`, now],
              );
              await connection.query(
                "UPDATE charging_session SET status = 'TERMINATED', used_units = 1, charged_cents = ?, reserved_cents = 0, ended_at = ?, updated_at = ? WHERE id = ?",
                [UNIT_PRICE_CENTS, now, now, sessionId],
              );
            });
          } catch {
            errors += 1;
          } finally {
            connection.release();
          }
          latencies.push(performance.now() - from);
        }
      }),
    );
  } finally {
    await pool.end();
  }
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return { requestsPerSecond: latencies.length / ((Date.now() - started) / 1000), p50: at(50), p99: at(99), errors, operations: latencies.length };
}
