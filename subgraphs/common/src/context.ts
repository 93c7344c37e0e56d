import type { Logger } from './logger';
import type { BackgroundWork } from './operations/background-work.resolver';
import type { Principal } from './principal';
import type { RequestTrace } from './tracing';

/** What every resolver gets: the verified caller, the request's id and logger, services and loaders. */
export interface SubgraphContext<Services, Loaders = Record<string, never>> {
  principal: Principal;
  requestId: string;
  /** The request's span and W3C trace context; its trace id is on every log line. */
  trace: RequestTrace;
  logger: Logger;
  services: Services;
  loaders: Loaders;
  /** This subgraph's relay and jobs, for the admin background-work fields. */
  backgroundWork?: BackgroundWork;
}
