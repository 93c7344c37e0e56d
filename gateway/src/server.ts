import './telemetry-off';
import { config } from '../../subgraphs/common/src/config';
import { exitOnSignals } from '../../subgraphs/common/src/http';
import { createLogger } from '../../subgraphs/common/src/logger';
import { initTracing } from '../../subgraphs/common/src/tracing';
import { startGateway } from './gateway';

const settings = config();
const logger = createLogger('gateway', settings.logLevel);
initTracing('gateway', settings.tracing);
startGateway(settings, { logger })
  .then((running) => exitOnSignals(logger, running.stop, settings.shutdownGraceMs + 5000))
  .catch((error: unknown) => {
    logger.fatal({ err: error }, 'gateway failed to start');
    process.exit(1);
  });
