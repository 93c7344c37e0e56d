import { prng } from '../subgraphs/common/src/prng';
import { randomUUID } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import { BRAND_CATALOGUE } from '../subgraphs/policies/src/catalogue/brand-catalogue';

export interface BenchAccount {
  id: string;
  brand: string;
  msisdn: string;
  balanceCents: number;
}

export interface Dataset {
  brands: string[];
  /** Active accounts with credit, per brand (what the read and write scenarios pick from). */
  active: Record<string, BenchAccount[]>;
  counts: { accounts: number; ledgerEntries: number; topUpOrders: number; payouts: number };
}

const ROWS_PER_INSERT = 2000;
const DAY_MS = 24 * 60 * 60 * 1000;


async function insertRows(connection: Connection, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    await connection.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`, [rows.slice(start, start + ROWS_PER_INSERT)]);
  }
}

/**
 * Writes accounts with ledger history (two top-ups, usage, and for 2% a payout of the remaining
 * credit after termination) straight into the subgraph databases with multi-row INSERTs. Every
 * balance equals the sum of its ledger entries and the last entry's balance_after; every top-up
 * entry has its CREDITED order in payments and every payout entry its PAID payout in refunds.
 */
export async function loadDataset(
  serverUrl: string,
  prefix: string,
  accountCount: number,
  progress: (done: number, total: number) => void,
): Promise<Dataset> {
  const random = prng(20261122);
  const brands = BRAND_CATALOGUE.map((brand) => brand.code);
  const connection = await createConnection({ uri: serverUrl, multipleStatements: false });
  const now = Date.now();
  const active: Record<string, BenchAccount[]> = Object.fromEntries(brands.map((brand) => [brand, []]));
  const counts = { accounts: 0, ledgerEntries: 0, topUpOrders: 0, payouts: 0 };
  const chunk = 10_000;
  try {
    for (let first = 0; first < accountCount; first += chunk) {
      const accounts: unknown[][] = [];
      const ledger: unknown[][] = [];
      const orders: unknown[][] = [];
      const payouts: unknown[][] = [];
      for (let index = first; index < Math.min(first + chunk, accountCount); index += 1) {
        const id = randomUUID();
        const brand = brands[index % brands.length]!;
        const msisdn = `+4915${String(index).padStart(9, '0')}`;
        // Recent enough that no account falls out of its validity while the bench runs.
        const createdAt = new Date(now - (40 + Math.floor(random() * 200)) * DAY_MS);
        const topUps = [500 * (1 + Math.floor(random() * 10)), 500 * (1 + Math.floor(random() * 6))];
        let balance = 0;
        let at = createdAt.getTime();
        let lastTopUp = createdAt;
        for (const [k, amount] of topUps.entries()) {
          at += (1 + Math.floor(random() * 10)) * DAY_MS;
          const orderId = randomUUID();
          const when = new Date(at);
          balance += amount;
          lastTopUp = when;
          ledger.push([id, 'TOP_UP', amount, balance, `top-up:${orderId}`, 'Top-up (APP_WEB)', when, null]);
          orders.push([orderId, id, brand, amount, 'APP_WEB', 'CREDITED', `bench-${index}-${k}`, 'VISA', when, when, when, when]);
        }
        const usage = Math.floor(random() * (balance / 2));
        at += DAY_MS;
        balance -= usage;
        ledger.push([id, 'USAGE', -usage, balance, `usage:bench-${index}`, 'Calls and data', new Date(at), 'VOICE']);
        let status = 'ACTIVE';
        if (random() < 0.02) {
          at += DAY_MS;
          const payoutId = randomUUID();
          const when = new Date(at);
          ledger.push([id, 'PAYOUT', -balance, 0, `payout:${payoutId}`, 'Payout of remaining credit', when, null]);
          payouts.push([payoutId, id, brand, balance, 'TERMINATION', 'PAID', 'Bench Kunde', 'CUSTOMER', 'REQUEST', when, when, when, when, when]);
          balance = 0;
          status = 'TERMINATED';
        } else {
          active[brand]!.push({ id, brand, msisdn, balanceCents: balance });
        }
        const lastUse = new Date(at);
        accounts.push([
          id, msisdn, brand, status, lastUse, balance, 0,
          new Date(lastTopUp.getTime() + 365 * DAY_MS), lastTopUp, lastUse, false, createdAt, lastUse,
        ]);
      }
      await insertRows(
        connection,
        `\`${prefix}accounts\`.account`,
        ['id', 'msisdn', 'brand_code', 'status', 'status_changed_at', 'balance_cents', 'reserved_cents', 'valid_until', 'last_top_up_at', 'last_chargeable_use_at', 'third_party_block', 'created_at', 'updated_at'],
        accounts,
      );
      await insertRows(
        connection,
        `\`${prefix}accounts\`.ledger_entry`,
        ['account_id', 'kind', 'amount_cents', 'balance_after_cents', 'reference', 'reason', 'created_at', 'cause'],
        ledger,
      );
      await insertRows(
        connection,
        `\`${prefix}payments\`.top_up_order`,
        ['id', 'account_id', 'brand_code', 'amount_cents', 'channel', 'status', 'idempotency_key', 'payment_method', 'created_at', 'updated_at', 'paid_at', 'credited_at'],
        orders,
      );
      if (payouts.length > 0) {
        await insertRows(
          connection,
          `\`${prefix}refunds\`.payout`,
          ['id', 'account_id', 'brand_code', 'amount_cents', 'reason', 'status', 'holder_name', 'initiated_by', 'payout_source', 'created_at', 'updated_at', 'approved_at', 'debited_at', 'paid_at'],
          payouts,
        );
      }
      counts.accounts += accounts.length;
      counts.ledgerEntries += ledger.length;
      counts.topUpOrders += orders.length;
      counts.payouts += payouts.length;
      progress(counts.accounts, accountCount);
    }
  } finally {
    await connection.end();
  }
  return { brands, active, counts };
}

/** Consistency of what was loaded: each balance equals its ledger sum (checked in SQL, not trusted). */
export async function countInconsistentBalances(serverUrl: string, prefix: string): Promise<number> {
  const connection = await createConnection({ uri: serverUrl });
  try {
    const [rows] = await connection.query(
      `SELECT COUNT(*) AS bad FROM \`${prefix}accounts\`.account a
       JOIN (SELECT account_id, SUM(amount_cents) AS total FROM \`${prefix}accounts\`.ledger_entry GROUP BY account_id) l
         ON l.account_id = a.id
       WHERE l.total <> a.balance_cents`,
    );
    return Number((rows as { bad: number | string }[])[0]!.bad);
  } finally {
    await connection.end();
  }
}
