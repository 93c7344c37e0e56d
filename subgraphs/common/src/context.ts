import type { Logger } from './logger';
import type { Principal } from './principal';

/** What every resolver gets: the verified caller, the request's id and logger, services and loaders. */
export interface SubgraphContext<Services, Loaders = Record<string, never>> {
  principal: Principal;
  requestId: string;
  logger: Logger;
  services: Services;
  loaders: Loaders;
}
