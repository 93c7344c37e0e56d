import './telemetry-off';
import { config } from '../../subgraphs/common/src/config';
import { exitOnSignals } from '../../subgraphs/common/src/http';
import { createLogger } from '../../subgraphs/common/src/logger';
import { startGateway } from './gateway';

const settings = config();
const logger = createLogger('gateway', settings.logLevel);
startGateway(settings, { logger })
  .then((running) => exitOnSignals(logger, running.stop, settings.shutdownGraceMs + 5000))
  .catch((error: unknown) => {
    logger.fatal({ err: error }, 'gateway failed to start');
    process.exit(1);
  });
