import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import type { Config, SubgraphName } from './config';
import type { SubgraphContext } from './context';
import { openDataSource } from './data-source';
import type { DataSourceSpec } from './data-source';
import { createErrorFormatter } from './errors';
import { withTimeout } from './timeout';
import { HttpError, graphqlRoute, sendJson, startHttpService } from './http';
import type { HttpService, Route } from './http';
import { RequestLogging, createLogger } from './logger';
import { ServiceMetrics, metricsOptions } from './metrics';
import { runInTrace, startRequestSpan, tracingPlugin } from './tracing';
import { OutboxMessageEntity } from './outbox/outbox-message.entity';
import type { BackgroundWork } from './operations/background-work.resolver';
import type { Logger } from './logger';
import { PRINCIPAL_HEADER, PrincipalError, verifyPrincipalHeader } from './principal';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';

export interface SubgraphRuntime {
  config: Config;
  dataSource: DataSource;
  logger: Logger;
  /** This subgraph's own base URL once it listens (e.g. for webhooks a development adapter sends to itself). */
  selfUrl: () => string;
  /** Prometheus metrics of this process; jobs count their runs here. */
  metrics: ServiceMetrics;
}

/** Everything a subgraph is made of; `startSubgraph` wires it to HTTP, the database and auth. */
export interface SubgraphDefinition<Services, Loaders> {
  name: SubgraphName;
  entities: DataSourceSpec['entities'];
  migrations: DataSourceSpec['migrations'];
  buildSchema: () => Promise<GraphQLSchema>;
  createServices: (runtime: SubgraphRuntime) => Services;
  createLoaders: (services: Services) => Loaders;
  routes?: (services: Services, runtime: SubgraphRuntime) => Route[];
  /** Demo data for a newcomer's first start; must be idempotent. */
  seed?: (services: Services, runtime: SubgraphRuntime) => Promise<void>;
  /** Background work (relays, jobs) started with the server and stopped before the pool closes. */
  startBackground?: (services: Services, runtime: SubgraphRuntime) => () => Promise<void>;
  /** The relay and named jobs admins may inspect and run once (createBackgroundWorkResolver). */
  backgroundWork?: (services: Services, runtime: SubgraphRuntime) => BackgroundWork;
}

export interface RunningSubgraph<Services> {
  name: SubgraphName;
  url: string;
  port: number;
  services: Services;
  dataSource: DataSource;
  http: HttpService;
  stop: () => Promise<void>;
}

export function openSubgraphDataSource<S, L>(definition: SubgraphDefinition<S, L>, config: Config): Promise<DataSource> {
  return openDataSource({
    target: config.databases[definition.name],
    entities: definition.entities,
    migrations: definition.migrations,
    poolSize: config.databasePoolSize,
    timeouts: config.databaseTimeouts,
  });
}

export interface StartOptions {
  port?: number;
  /** Apply pending migrations before serving (tests); production runs `npm run migrate` first. */
  migrate?: boolean;
  logger?: Logger;
}

export async function startSubgraph<Services, Loaders>(
  definition: SubgraphDefinition<Services, Loaders>,
  config: Config,
  options: StartOptions = {},
): Promise<RunningSubgraph<Services>> {
  const logger = options.logger ?? createLogger(definition.name, config.logLevel);
  const dataSource = await openSubgraphDataSource(definition, config);
  if (options.migrate) await dataSource.runMigrations({ transaction: 'each' });
  if (await dataSource.showMigrations()) {
    await dataSource.destroy();
    throw new Error(`${definition.name}: database has pending migrations; run \`npm run migrate\` first`);
  }
  let boundUrl: string | undefined;
  const metrics = new ServiceMetrics(definition.name, metricsOptions(config));
  metrics.watchPool(dataSource);
  if (dataSource.hasMetadata(OutboxMessageEntity)) metrics.watchOutbox(dataSource);
  const runtime: SubgraphRuntime = {
    config,
    dataSource,
    logger,
    metrics,
    selfUrl: () => {
      if (!boundUrl) throw new Error(`${definition.name} is not listening yet`);
      return boundUrl;
    },
  };
  const services = definition.createServices(runtime);
  const backgroundWork = definition.backgroundWork?.(services, runtime);
  const schema = await definition.buildSchema();

  type Context = SubgraphContext<Services, Loaders>;
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: true,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // Our own signal handling drains HTTP first; Apollo's would stop and re-kill the process mid-drain.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger, false),
    // Cache control would wrap every field resolver for HTTP cache hints nobody uses (answers are private).
    plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), metrics.plugin<SubgraphContext<Services, Loaders>>(), tracingPlugin<SubgraphContext<Services, Loaders>>()],
    logger,
  });
  await apollo.start();

  const createContext = async (request: Parameters<Route['handle']>[0]): Promise<Context> => {
    const header = request.req.headers[PRINCIPAL_HEADER];
    try {
      const principal = await verifyPrincipalHeader(
        typeof header === 'string' ? header : undefined,
        config.internalSigningSecret,
        config.principalMaxAgeSeconds,
        definition.name,
      );
      const requestTrace = startRequestSpan(`graphql ${definition.name}`, request.req.headers, { 'guthaben.subgraph': definition.name });
      if (requestTrace.span.isRecording()) request.res.on('close', () => requestTrace.span.end());
      // One logger per request, with every binding at once, made only if the request logs.
      const logging = new RequestLogging(logger, { requestId: request.requestId, traceId: requestTrace.traceId, role: principal.role, subject: principal.subject });
      return Object.assign(logging, {
        principal,
        requestId: request.requestId,
        trace: requestTrace,
        services,
        backgroundWork,
        loaders: definition.createLoaders(services),
      });
    } catch (error) {
      if (error instanceof PrincipalError) {
        request.logger.warn({ reason: error.message }, 'request without a valid gateway signature refused');
        throw new HttpError(401, 'UNAUTHENTICATED', 'Requests must come through the gateway with a signed principal');
      }
      throw error;
    }
  };

  const routes: Route[] = [
    { method: 'GET', path: '/health', handle: ({ res }) => sendJson(res, 200, { status: 'ok', service: definition.name, pid: process.pid }) },
    {
      method: 'GET',
      path: '/ready',
      handle: async ({ res, logger: requestLogger }) => {
        try {
          await withTimeout(dataSource.query('SELECT 1'), config.readyTimeoutMs);
          sendJson(res, 200, { status: 'ready', service: definition.name, database: 'up' });
        } catch (error) {
          requestLogger.warn({ err: error }, 'readiness check failed');
          sendJson(res, 503, { status: 'unavailable', service: definition.name, database: 'down' });
        }
      },
    },
    metrics.route(),
    ...graphqlRoute(apollo, createContext, undefined, (context, run) => runInTrace(context.trace.context, run)),
    ...(definition.routes?.(services, runtime) ?? []),
  ];
  const http = await startHttpService({
    host: config.host,
    port: options.port ?? config.ports[definition.name],
    routes,
    logger,
    keepAliveMs: config.subgraphKeepAliveMs,
    shutdownGraceMs: config.shutdownGraceMs,
  });
  boundUrl = http.url;
  const stopBackground = definition.startBackground?.(services, runtime);
  logger.info({ url: `${http.url}/graphql`, database: config.databases[definition.name].kind }, 'subgraph ready');

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await http.close();
      await stopBackground?.();
      await apollo.stop();
      await dataSource.destroy();
    })());

  return { name: definition.name, url: `${http.url}/graphql`, port: http.port, services, dataSource, http, stop };
}
