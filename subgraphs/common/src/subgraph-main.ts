import { runClustered } from './cluster';
import { config } from './config';
import { exitOnSignals } from './http';
import { createLogger } from './logger';
import { startSubgraph } from './subgraph';
import { initTracing } from './tracing';
import type { SubgraphDefinition } from './subgraph';

/**
 * The process entry point of a subgraph: start (on `WORKERS` processes sharing the port), serve
 * until SIGTERM/SIGINT, stop cleanly.
 */
export function runSubgraphMain<S, L>(definition: SubgraphDefinition<S, L>): void {
  const settings = config();
  const logger = createLogger(definition.name, settings.logLevel);
  let workers = settings.workers;
  if (workers > 1 && settings.databases[definition.name].kind === 'sqlite') {
    // SQLite transactions are queued inside one process; several writers would fight over the file lock.
    logger.warn({ workers }, 'WORKERS ignored on embedded SQLite: running one process');
    workers = 1;
  }
  runClustered({
    workers,
    logger,
    shutdownDeadlineMs: settings.shutdownGraceMs + 10_000,
    start: () => {
      initTracing(definition.name, settings.tracing);
      startSubgraph(definition, settings, { logger })
        .then((running) => exitOnSignals(logger, running.stop, settings.shutdownGraceMs + 5000))
        .catch((error: unknown) => {
          logger.fatal({ err: error }, 'subgraph failed to start');
          process.exit(1);
        });
    },
  });
}
