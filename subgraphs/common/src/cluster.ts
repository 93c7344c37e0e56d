import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { Logger } from './logger';

export interface ClusterOptions {
  /** Worker processes to fork; 1 runs the service in this process without a primary. */
  workers: number;
  logger: Logger;
  /** Starts the service in the current process (a worker, or this process when workers is 1). */
  start: () => void;
  /** How long the primary waits for its workers after forwarding a stop signal. */
  shutdownDeadlineMs: number;
  /** Restarts allowed within `restartWindowMs` before the primary gives up (crash loop). */
  maxRestarts?: number;
  restartWindowMs?: number;
}

/**
 * Runs a service on several cores: the primary forks workers that share the listening port
 * (the primary distributes connections), replaces a worker that dies unexpectedly, and on
 * SIGTERM/SIGINT forwards SIGTERM and exits once every worker has stopped (0 only if all stopped
 * cleanly). Every service is stateless and its jobs are multi-instance safe, so workers need no
 * coordination beyond the shared port.
 */
export function runClustered(options: ClusterOptions): void {
  if (options.workers <= 1 || !cluster.isPrimary) {
    options.start();
    return;
  }
  const { logger } = options;
  const maxRestarts = options.maxRestarts ?? 10;
  const restartWindowMs = options.restartWindowMs ?? 60_000;
  const restarts: number[] = [];
  let stopping = false;
  let failed = false;
  const listening = new WeakSet<Worker>();

  const fork = (): void => {
    const worker = cluster.fork();
    worker.once('listening', () => listening.add(worker));
  };

  const finishIfDone = (): void => {
    if (Object.keys(cluster.workers ?? {}).length > 0) return;
    logger.info({ failed }, failed ? 'workers stopped, some not cleanly' : 'all workers stopped cleanly');
    logger.flush(() => process.exit(failed ? 1 : 0));
  };

  const stopAll = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping workers');
    setTimeout(() => {
      logger.error('workers did not stop in time, exiting');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      logger.flush(() => process.exit(1));
    }, options.shutdownDeadlineMs).unref();
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    finishIfDone();
  };

  cluster.on('exit', (worker, code, signal) => {
    const clean = code === 0 && signal === null;
    if (stopping) {
      if (!clean) failed = true;
      finishIfDone();
      return;
    }
    if (!listening.has(worker)) {
      // A worker that never served (bad configuration, pending migrations) would fail again.
      logger.fatal({ pid: worker.process.pid, code, signal }, 'worker failed to start');
      failed = true;
      stopAll('worker failed to start');
      return;
    }
    const now = Date.now();
    while (restarts.length > 0 && restarts[0]! < now - restartWindowMs) restarts.shift();
    if (restarts.length >= maxRestarts) {
      logger.fatal({ restarts: restarts.length }, 'workers keep crashing, giving up');
      failed = true;
      stopAll('crash loop');
      return;
    }
    restarts.push(now);
    logger.error({ pid: worker.process.pid, code, signal }, 'worker died, starting a new one');
    fork();
  });

  process.on('SIGTERM', () => stopAll('SIGTERM'));
  process.on('SIGINT', () => stopAll('SIGINT'));
  logger.info({ workers: options.workers }, 'starting workers');
  for (let index = 0; index < options.workers; index += 1) fork();
}
