import { config } from './config';
import { exitOnSignals } from './http';
import { createLogger } from './logger';
import { startSubgraph } from './subgraph';
import { initTracing } from './tracing';
import type { SubgraphDefinition } from './subgraph';

/** The process entry point of a subgraph: start, serve until SIGTERM/SIGINT, stop cleanly. */
export function runSubgraphMain<S, L>(definition: SubgraphDefinition<S, L>): void {
  const settings = config();
  const logger = createLogger(definition.name, settings.logLevel);
  initTracing(definition.name, settings.tracing);
  startSubgraph(definition, settings, { logger })
    .then((running) => exitOnSignals(logger, running.stop, settings.shutdownGraceMs + 5000))
    .catch((error: unknown) => {
      logger.fatal({ err: error }, 'subgraph failed to start');
      process.exit(1);
    });
}
