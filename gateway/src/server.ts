import './telemetry-off';
import { runClustered } from '../../subgraphs/common/src/cluster';
import { config } from '../../subgraphs/common/src/config';
import { exitOnSignals } from '../../subgraphs/common/src/http';
import { createLogger } from '../../subgraphs/common/src/logger';
import { initTracing } from '../../subgraphs/common/src/tracing';
import { startGateway } from './gateway';

const settings = config();
const logger = createLogger('gateway', settings.logLevel);
runClustered({
  workers: settings.workers,
  logger,
  shutdownDeadlineMs: settings.shutdownGraceMs + 10_000,
  start: () => {
    initTracing('gateway', settings.tracing);
    startGateway(settings, { logger })
      .then((running) => exitOnSignals(logger, running.stop, settings.shutdownGraceMs + 5000))
      .catch((error: unknown) => {
        logger.fatal({ err: error }, 'gateway failed to start');
        process.exit(1);
      });
  },
});
