import pino from 'pino';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { FixedClock, systemClock } from '../src/clock';
import { openDataSource } from '../src/data-source';
import { OutboxMessageEntity } from '../src/outbox/outbox-message.entity';
import { OutboxRelay, enqueueOutboxMessage } from '../src/outbox/outbox.service';
import type { OutboxMessage } from '../src/outbox/outbox.service';
import { createOutboxTable } from '../src/outbox/outbox-table.migration-helper';
import { eventually } from '../src/testing/eventually';
import { createTestConfig, testDatabaseKind } from '../src/testing/test-database';
import { TransactionRunner } from '../src/transaction';

class CreateOutboxForTest1700000000000 implements MigrationInterface {
  name = 'CreateOutboxForTest1700000000000';
  up = (queryRunner: QueryRunner) => createOutboxTable(queryRunner);
  down = (queryRunner: QueryRunner) => queryRunner.dropTable('outbox_message');
}

describe(`outbox relay on ${testDatabaseKind()}`, () => {
  let dataSource: DataSource;
  let cleanup: () => Promise<void>;
  let transactions: TransactionRunner;
  const clock = new FixedClock(new Date('2026-01-01T00:00:00Z'));
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    const test = createTestConfig();
    cleanup = test.cleanup;
    dataSource = await openDataSource({
      target: test.config.databases.payments,
      entities: [OutboxMessageEntity],
      migrations: [CreateOutboxForTest1700000000000],
      poolSize: 10,
    });
    await dataSource.runMigrations();
    transactions = new TransactionRunner(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await cleanup();
  });
  beforeEach(() => dataSource.getRepository(OutboxMessageEntity).clear());

  const enqueue = (count: number, topic = 'credit') =>
    transactions.run(async (manager) => {
      for (let i = 0; i < count; i += 1) await enqueueOutboxMessage(manager, clock, { topic, dedupeKey: `${topic}:${i}`, payload: { n: i } });
    });

  it('writes one message per dedupe key', async () => {
    await enqueue(3);
    await enqueue(3);
    expect(await dataSource.getRepository(OutboxMessageEntity).count()).toBe(3);
  });

  it('retries a failed delivery with backoff and runs the follow-up only once delivered', async () => {
    await enqueue(1);
    let calls = 0;
    const followUps: number[] = [];
    const relay = new OutboxRelay(
      transactions,
      {
        credit: async (message: OutboxMessage) => {
          calls += 1;
          if (calls < 3) throw new Error('accounts unreachable');
          return async () => void followUps.push((message.payload as { n: number }).n);
        },
      },
      clock,
      logger,
    );
    expect(await relay.runOnce()).toEqual({ delivered: 0, failed: 1 });
    expect(await relay.runOnce()).toEqual({ delivered: 0, failed: 0 });
    clock.advanceMs(60_000);
    expect(await relay.runOnce()).toEqual({ delivered: 0, failed: 1 });
    clock.advanceMs(60_000);
    expect(await relay.runOnce()).toEqual({ delivered: 1, failed: 0 });
    clock.advanceMs(60_000);
    expect(await relay.runOnce()).toEqual({ delivered: 0, failed: 0 });
    expect(calls).toBe(3);
    expect(followUps).toEqual([0]);
    const stored = await dataSource.getRepository(OutboxMessageEntity).findOneByOrFail({ dedupeKey: 'credit:0' });
    expect(stored.attempts).toBe(3);
    expect(stored.deliveredAt).not.toBeNull();
  });

  it('lets two relays run at once without handing one message to both', async () => {
    await enqueue(40);
    const seen = new Map<string, number>();
    const handler = async (message: OutboxMessage) => {
      seen.set(message.dedupeKey, (seen.get(message.dedupeKey) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 2));
    };
    const relays = [0, 1].map(() => new OutboxRelay(transactions, { credit: handler }, clock, logger, { batchSize: 5 }));
    let delivered = 0;
    for (let round = 0; round < 20 && delivered < 40; round += 1) {
      const results = await Promise.all(relays.map((relay) => relay.runOnce()));
      delivered += results.reduce((sum, result) => sum + result.delivered, 0);
    }
    expect(delivered).toBe(40);
    expect(seen.size).toBe(40);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
  });

  it('drains a backlog batch after batch without waiting the poll interval, and claims each batch in one statement', async () => {
    await enqueue(17);
    const delivered: string[] = [];
    // A poll interval far longer than the test may take: only back-to-back passes can deliver all in time.
    const relay = new OutboxRelay(transactions, { credit: async (message) => void delivered.push(message.dedupeKey) }, clock, logger, {
      batchSize: 5,
      pollMs: 60_000,
    });
    // Every statement of either driver goes through its query runner's query(): count the lease claims.
    const runner = Object.getPrototypeOf(dataSource.createQueryRunner()) as { query: (...args: unknown[]) => Promise<unknown> };
    const query = runner.query;
    const leaseUpdates: string[] = [];
    const spy = jest.spyOn(runner, 'query').mockImplementation(function (this: unknown, ...args: unknown[]) {
      const sql = String(args[0]);
      if (/^UPDATE/i.test(sql) && sql.includes('lease_until') && !sql.includes('delivered_at')) leaseUpdates.push(sql);
      return query.apply(this, args);
    });
    const stop = relay.start();
    try {
      await eventually(async () => delivered.length === 17, 'all 17 messages delivered', 10_000);
    } finally {
      await stop();
      spy.mockRestore();
    }
    expect(new Set(delivered).size).toBe(17);
    // Four passes with messages (5 + 5 + 5 + 2), one lease UPDATE each.
    expect(leaseUpdates).toHaveLength(4);
  });

  it('keeps a working relay\'s lease, and hands a crashed relay\'s message to another relay within about 5 s', async () => {
    await transactions.run((manager) => enqueueOutboxMessage(manager, systemClock, { topic: 'credit', dedupeKey: 'lease:0', payload: {} }));
    let claimed!: () => void;
    const wasClaimed = new Promise<void>((resolve) => (claimed = resolve));
    // The first relay's handler never returns: a delivery in progress, then (after crash()) a dead process.
    const first = new OutboxRelay(transactions, { credit: () => (claimed(), new Promise<never>(() => undefined)) }, systemClock, logger);
    const delivered: string[] = [];
    const second = new OutboxRelay(transactions, { credit: async (message) => void delivered.push(message.dedupeKey) }, systemClock, logger, { pollMs: 100 });
    void first.runOnce();
    await wasClaimed;
    const stopSecond = second.start();
    try {
      // Longer than the lease: a relay that is alive and working renews it, so nobody else delivers.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(delivered).toEqual([]);
      const crashedAt = Date.now();
      first.crash();
      await eventually(async () => delivered.length === 1, 'the second relay to take over', 6_500);
      const takeoverMs = Date.now() - crashedAt;
      console.log(`outbox: a crashed relay's message was delivered by another relay after ${takeoverMs} ms`);
      expect(takeoverMs).toBeLessThan(6_000);
    } finally {
      await stopSecond();
    }
    expect(delivered).toEqual(['lease:0']);
  }, 20_000);
});

