import { randomUUID } from 'node:crypto';
import { In, IsNull, LessThanOrEqual } from 'typeorm';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { TransactionRunner } from '../transaction';
import { OutboxMessageEntity } from './outbox-message.entity';

export interface OutboxMessage<Payload = unknown> {
  id: number;
  topic: string;
  dedupeKey: string;
  payload: Payload;
  attempts: number;
}

/**
 * Delivers one message. Throwing means "not delivered, try again later". What it returns runs in
 * the transaction that marks the message delivered, for local consequences of the delivery.
 */
export type OutboxHandler = (message: OutboxMessage) => Promise<((manager: EntityManager) => Promise<void>) | void>;

export interface OutboxRelayOptions {
  batchSize?: number;
  /** How long a claim holds without renewal; renewed every third of it while the relay works. */
  leaseMs?: number;
  pollMs?: number;
  maxBackoffMs?: number;
}

export const DEFAULT_OUTBOX_LEASE_MS = 5_000;


/** Writes messages inside the caller's transaction. */
export async function enqueueOutboxMessage(
  manager: EntityManager,
  clock: Clock,
  message: { topic: string; dedupeKey: string; payload: unknown },
): Promise<void> {
  const repository = manager.getRepository(OutboxMessageEntity);
  if (await repository.existsBy({ dedupeKey: message.dedupeKey })) return;
  const now = clock.now();
  await repository.insert({
    topic: message.topic,
    dedupeKey: message.dedupeKey,
    payload: JSON.stringify(message.payload),
    attempts: 0,
    nextAttemptAt: now,
    leaseUntil: null,
    leaseOwner: null,
    deliveredAt: null,
    lastError: null,
    createdAt: now,
  });
}

/**
 * Polls due messages and hands them to their topic's handler. Several relays (processes) may run
 * at once: rows are claimed with a lease under SELECT … FOR UPDATE SKIP LOCKED, so each message
 * is worked on by one relay at a time. The lease is short and renewed while the relay works, so a
 * slow delivery keeps its claim while a crashed relay's claim runs out within one lease.
 */
export class OutboxRelay {
  private readonly owner = randomUUID();
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly maxBackoffMs: number;
  private readonly renewals = new Set<NodeJS.Timeout>();
  private crashed = false;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly handlers: Record<string, OutboxHandler>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 20;
    this.leaseMs = options.leaseMs ?? DEFAULT_OUTBOX_LEASE_MS;
    this.pollMs = options.pollMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
  }

  /** One pass over due messages; returns how many were delivered and how many failed. */
  async runOnce(): Promise<{ delivered: number; failed: number }> {
    const claimed = await this.claim();
    if (claimed.length === 0) return { delivered: 0, failed: 0 };
    const renewal = this.renewWhileWorking(claimed.map((row) => row.id));
    try {
      return await this.deliver(claimed);
    } finally {
      clearInterval(renewal);
      this.renewals.delete(renewal);
    }
  }

  /**
   * Test hook: behave like a process that died now. Leases stop being renewed and nothing more is
   * written, so another relay takes the messages over once the lease runs out.
   */
  crash(): void {
    this.crashed = true;
    for (const renewal of this.renewals) clearInterval(renewal);
    this.renewals.clear();
  }

  private renewWhileWorking(ids: number[]): NodeJS.Timeout {
    const renewal = setInterval(() => {
      if (this.crashed) return;
      const leaseUntil = new Date(this.clock.now().getTime() + this.leaseMs);
      // Only rows still ours and undelivered: a delivered (or failed) row has no owner any more.
      this.transactions
        .run((manager) =>
          manager
            .getRepository(OutboxMessageEntity)
            .update({ id: In(ids), leaseOwner: this.owner, deliveredAt: IsNull() }, { leaseUntil }),
        )
        .catch((error: unknown) => this.logger.warn({ err: error }, 'outbox lease renewal failed'));
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    renewal.unref();
    this.renewals.add(renewal);
    return renewal;
  }

  private async deliver(claimed: OutboxMessageEntity[]): Promise<{ delivered: number; failed: number }> {
    let delivered = 0;
    let failed = 0;
    for (const row of claimed) {
      const message: OutboxMessage = {
        id: row.id,
        topic: row.topic,
        dedupeKey: row.dedupeKey,
        payload: JSON.parse(row.payload) as unknown,
        attempts: row.attempts,
      };
      const handler = this.handlers[row.topic];
      try {
        if (!handler) throw new Error(`no handler for topic ${row.topic}`);
        const afterDelivery = await handler(message);
        // A crashed relay writes nothing more: the message stays leased until the lease runs out.
        if (this.crashed) return { delivered, failed };
        await this.transactions.run(async (manager) => {
          const result = await manager
            .getRepository(OutboxMessageEntity)
            .update(
              { id: row.id, leaseOwner: this.owner },
              { deliveredAt: this.clock.now(), leaseOwner: null, leaseUntil: null, lastError: null, attempts: row.attempts + 1 },
            );
          // Lease lost to another relay (we were too slow): it delivers again, idempotently, and owns the follow-up.
          if (result.affected === 1 && afterDelivery) await afterDelivery(manager);
        });
        delivered += 1;
      } catch (error) {
        if (this.crashed) return { delivered, failed };
        failed += 1;
        const attempts = row.attempts + 1;
        const backoff = Math.min(this.maxBackoffMs, 500 * 2 ** Math.min(attempts, 16));
        this.logger.warn({ outboxId: row.id, topic: row.topic, attempts, err: error }, 'outbox delivery failed, will retry');
        await this.transactions.run((manager) =>
          manager.getRepository(OutboxMessageEntity).update(
            { id: row.id, leaseOwner: this.owner },
            {
              attempts,
              nextAttemptAt: new Date(this.clock.now().getTime() + backoff),
              leaseOwner: null,
              leaseUntil: null,
              lastError: String((error as Error)?.message ?? error).slice(0, 500),
            },
          ),
        );
      }
    }
    return { delivered, failed };
  }

  private claim(): Promise<OutboxMessageEntity[]> {
    return this.transactions.run(async (manager) => {
      const now = this.clock.now();
      const repository = manager.getRepository(OutboxMessageEntity);
      let query = repository
        .createQueryBuilder('message')
        .where('message.delivered_at IS NULL')
        .andWhere('message.next_attempt_at <= :now', { now })
        .andWhere('(message.lease_until IS NULL OR message.lease_until < :now)', { now })
        .orderBy('message.id', 'ASC')
        .limit(this.batchSize);
      if (this.transactions.usesRowLocks) query = query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const rows = await query.getMany();
      if (rows.length === 0) return [];
      const leaseUntil = new Date(now.getTime() + this.leaseMs);
      // One statement for the whole batch: the rows are locked (or, on SQLite, the writer is ours).
      await repository.update({ id: In(rows.map((row) => row.id)) }, { leaseOwner: this.owner, leaseUntil });
      return rows;
    });
  }

  /** Undelivered messages per topic, for operators (oldest first by topic name). */
  async backlog(): Promise<{ topic: string; pending: number; retrying: number; oldestCreatedAt: Date | null }[]> {
    const rows = await this.transactions.run((manager) =>
      manager
        .getRepository(OutboxMessageEntity)
        .createQueryBuilder('message')
        .select('message.topic', 'topic')
        .addSelect('COUNT(*)', 'pending')
        .addSelect('SUM(CASE WHEN message.attempts > 0 THEN 1 ELSE 0 END)', 'retrying')
        .addSelect('MIN(message.created_at)', 'oldest')
        .where('message.delivered_at IS NULL')
        .groupBy('message.topic')
        .orderBy('message.topic', 'ASC')
        .getRawMany<{ topic: string; pending: string | number; retrying: string | number | null; oldest: string | Date | null }>(),
    );
    return rows.map((row) => ({
      topic: row.topic,
      pending: Number(row.pending),
      retrying: Number(row.retrying ?? 0),
      oldestCreatedAt: row.oldest === null ? null : new Date(row.oldest instanceof Date ? row.oldest.getTime() : /Z|[+-]\d\d:?\d\d$/.test(row.oldest) ? row.oldest : `${row.oldest.replace(' ', 'T')}Z`),
    }));
  }

  /** Undelivered messages, for readiness and metrics (outbox lag). */
  async pending(manager: EntityManager): Promise<{ count: number; oldest: Date | null }> {
    const repository = manager.getRepository(OutboxMessageEntity);
    const count = await repository.countBy({ deliveredAt: IsNull() });
    const oldest = await repository.findOne({ where: { deliveredAt: IsNull(), nextAttemptAt: LessThanOrEqual(this.clock.now()) }, order: { id: 'ASC' } });
    return { count, oldest: oldest?.createdAt ?? null };
  }

  /**
   * Polls until stopped; stopping waits for the pass in progress. After a full batch the next pass
   * starts at once, so a backlog (a burst of paid top-ups) drains at delivery speed instead of one
   * batch per poll interval; an idle or failing relay waits the interval.
   */
  start(): () => Promise<void> {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let current: Promise<unknown> = Promise.resolve();
    const loop = (): void => {
      if (stopped) return;
      let backlog = false;
      current = this.runOnce()
        .then(({ delivered, failed }) => {
          backlog = failed === 0 && delivered >= this.batchSize;
        })
        .catch((error: unknown) => this.logger.error({ err: error }, 'outbox relay pass failed'))
        .finally(() => {
          if (!stopped) timer = setTimeout(loop, backlog ? 0 : this.pollMs);
        });
    };
    loop();
    return async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    };
  }
}
