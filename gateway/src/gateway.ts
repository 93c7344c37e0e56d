import { TELEMETRY_DISABLED } from './telemetry-off';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { Kind, NoSchemaIntrospectionCustomRule, validate } from 'graphql';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { Agent } from 'undici';
import { SUBGRAPH_NAMES } from '../../subgraphs/common/src/config';
import type { Config, SubgraphName } from '../../subgraphs/common/src/config';
import { createErrorFormatter, requestRefusal } from '../../subgraphs/common/src/errors';
import { HttpError, graphqlRoute, sendJson, startHttpService } from '../../subgraphs/common/src/http';
import type { HttpService, RequestInfo, Route } from '../../subgraphs/common/src/http';
import { RequestLogging, createLogger } from '../../subgraphs/common/src/logger';
import { ServiceMetrics, metricsOptions } from '../../subgraphs/common/src/metrics';
import type { Logger } from '../../subgraphs/common/src/logger';
import { signPrincipalHeader } from '../../subgraphs/common/src/principal';
import type { Principal } from '../../subgraphs/common/src/principal';
import { schemaDir } from '../../subgraphs/common/src/paths';
import { TRACE_ID_HEADER, runInTrace, startRequestSpan, tracingPlugin } from '../../subgraphs/common/src/tracing';
import { explorerRoutes } from './explorer';
import { SubgraphDataSource } from './subgraph-data-source';
import type { UpstreamContext } from './subgraph-data-source';
import { OperationSafelist, safelistPlugin } from './safelist';
import { CorsPolicy, RequestRateLimiter, auditPlugin, queryLimits, rateLimitKey } from './hardening';
import { TokenError, createTokenVerifier } from './jwt';

export const SUPERGRAPH_PATH = join(schemaDir(), 'supergraph.graphql');

export interface GatewayContext extends UpstreamContext {
  logger: Logger;
  clientAddress: string;
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type', '__typename']);

function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && INTROSPECTION_FIELDS.has(selection.name.value),
  );
}

const INTERNAL_ROLES = new Set(['operator', 'admin', 'service']);

const INTROSPECTION_FIELD_NAME = /__schema|__type\b/;

/**
 * graphql-js's own rule visits every selection, fragments and inline fragments included (a check of
 * the operation's top-level fields let `{ ...F } fragment F on Query { __schema … }` through). The
 * text test skips the walk for the usual document: a field's name cannot be spelt any other way.
 */
function introspects(requestContext: { schema: GraphQLSchema; document: DocumentNode; source: string }): boolean {
  if (!INTROSPECTION_FIELD_NAME.test(requestContext.source)) return false;
  return validate(requestContext.schema, requestContext.document, [NoSchemaIntrospectionCustomRule]).length > 0;
}

/**
 * Anonymous callers may only introspect (where introspection is open to all); everything else needs
 * a token. With INTROSPECTION=internal only operators, admins and services may see the schema.
 */
function requireAuthentication(introspection: Config['introspection']): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const { contextValue, operation } = requestContext;
          const principal = contextValue.principal;
          if (!principal && !(introspection === 'all' && operation && isIntrospectionOnly(operation))) {
            throw requestRefusal('UNAUTHENTICATED', 'Authentication required: send Authorization: Bearer <token>');
          }
          if (introspection === 'internal' && !INTERNAL_ROLES.has(principal?.role ?? '') && introspects(requestContext)) {
            throw requestRefusal('FORBIDDEN', 'Introspection is not available to this caller');
          }
        },
      };
    },
  };
}

function requiredUrl(subgraph: string, url: string | undefined): string {
  if (!url) throw new Error(`subgraph ${subgraph} has no URL in the supergraph or the configuration`);
  return url;
}

function upstreamAgent(config: Config): Agent {
  // Idle sockets are dropped before the subgraphs' keep-alive ends (see SUBGRAPH_KEEP_ALIVE_MS).
  return new Agent({
    keepAliveTimeout: config.gatewayUpstreamIdleMs,
    keepAliveMaxTimeout: config.gatewayUpstreamIdleMs,
    connections: 128,
    // A stalled subgraph fails the fetch (SERVICE_UNAVAILABLE) instead of holding the client for undici's 300 s.
    connectTimeout: config.gatewayUpstreamTimeoutMs,
    headersTimeout: config.gatewayUpstreamTimeoutMs,
    bodyTimeout: config.gatewayUpstreamTimeoutMs,
  });
}

function readyUrl(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '') + '/ready';
  return url.toString();
}

export interface RunningGateway {
  url: string;
  port: number;
  http: HttpService;
  stop: () => Promise<void>;
}

export interface GatewayOptions {
  port?: number;
  supergraphSdl?: string;
  logger?: Logger;
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<RunningGateway> {
  if (!TELEMETRY_DISABLED) throw new Error('telemetry must be disabled before the gateway is built');
  const logger = options.logger ?? createLogger('gateway', config.logLevel);
  const subgraphUrls = { ...config.subgraphUrls, ...options.subgraphUrls };
  const agent = upstreamAgent(config);
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name, url }) =>
      new SubgraphDataSource(name as SubgraphName, requiredUrl(name, subgraphUrls[name as SubgraphName] ?? url), agent),
    logger,
  });
  const limits = queryLimits(config);
  const metrics = new ServiceMetrics('gateway', metricsOptions(config));
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    validationRules: limits.validationRules,
    parseOptions: { maxTokens: config.gateway.maxTokens },
    // Batched HTTP requests would multiply every limit below by the batch size.
    allowBatchedHttpRequests: false,
    introspection: config.introspection !== 'none',
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // Our own signal handling drains HTTP first; Apollo's would stop and re-kill the process mid-drain.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(logger, false),
    plugins: [
      ...(limits.plugins as ApolloServerPlugin<GatewayContext>[]),
      metrics.plugin<GatewayContext>(),
      tracingPlugin<GatewayContext>(),
      safelistPlugin<GatewayContext>(OperationSafelist.load(config.gateway.safelistPath), config.gateway.safelistEnforce === 'partners'),
      requireAuthentication(config.introspection),
      auditPlugin(logger),
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of answers: cache hints would be computed for every field and subgraph response.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
    ],
    logger,
  });
  await apollo.start();
  const verifyToken = await createTokenVerifier(config);
  const rateLimiter = new RequestRateLimiter(config.gateway.rateLimitPerMinute);
  const cors = new CorsPolicy(config.gateway.corsOrigins);

  const authenticate = async (authorization: string | undefined, bindings: Record<string, unknown>): Promise<Principal | null> => {
    if (!authorization) return null;
    const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(authorization);
    if (!match?.[1]) throw new HttpError(401, 'UNAUTHENTICATED', 'Authorization must be "Bearer <JWT>"');
    try {
      return await verifyToken(match[1]);
    } catch (error) {
      if (error instanceof TokenError) {
        logger.child(bindings).info({ reason: error.message }, 'token refused');
        throw new HttpError(401, 'UNAUTHENTICATED', 'Invalid or expired token');
      }
      throw error;
    }
  };

  const createContext = async ({ req, res, requestId }: RequestInfo): Promise<GatewayContext> => {
    const requestTrace = startRequestSpan('graphql gateway', req.headers);
    if (requestTrace.span.isRecording()) res.on('close', () => requestTrace.span.end());
    res.setHeader(TRACE_ID_HEADER, requestTrace.traceId);
    const bindings = { requestId, traceId: requestTrace.traceId };
    const principal = await authenticate(req.headers.authorization, bindings).catch(async (error: unknown) => {
      // A refused token counts against the client address like an anonymous request: guessing
      // tokens would otherwise be free of any limit. Over the limit, the answer is 429.
      await rateLimiter.consume(rateLimitKey(null, req));
      throw error;
    });
    cors.check(req, res, principal);
    await rateLimiter.consume(rateLimitKey(principal, req));
    const clientAddress = req.socket.remoteAddress ?? 'unknown';
    // One logger per request, with every binding at once, made only if the request logs.
    const logging = new RequestLogging(logger, principal ? { ...bindings, role: principal.role, subject: principal.subject } : bindings);
    if (!principal) return Object.assign(logging, { principal: null, requestId, trace: requestTrace, clientAddress });
    // Signed lazily per subgraph the query plan reaches (each header is valid only there), once each.
    const headers = new Map<SubgraphName, Promise<string>>();
    const principalHeaderFor = (subgraph: SubgraphName): Promise<string> => {
      let header = headers.get(subgraph);
      if (!header) {
        header = signPrincipalHeader(principal, config.internalSigningSecret, config.principalMaxAgeSeconds, subgraph);
        headers.set(subgraph, header);
      }
      return header;
    };
    return Object.assign(logging, { principal, principalHeaderFor, requestId, trace: requestTrace, clientAddress });
  };

  const graphql = graphqlRoute(apollo, createContext, config.gateway.bodyLimitBytes, (context, run) => runInTrace(context.trace.context, run));
  // Browsers navigating to /graphql get the explorer (also with ?query=… to open an operation);
  // GraphQL clients ask for JSON.
  const explorer = config.explorer ? explorerRoutes('/graphql') : [];
  const showExplorer = explorer[0]?.handle;
  const wantsHtml = (request: RequestInfo): boolean => showExplorer !== undefined && (request.req.headers.accept ?? '').includes('text/html');

  const routes: Route[] = [
    { method: 'GET', path: '/health', handle: ({ res }) => sendJson(res, 200, { status: 'ok', service: 'gateway', pid: process.pid }) },
    {
      method: 'GET',
      path: '/ready',
      handle: async ({ res }) => {
        const checks = await Promise.all(
          SUBGRAPH_NAMES.map(async (name) => {
            try {
              const response = await fetch(readyUrl(subgraphUrls[name]), { signal: AbortSignal.timeout(config.readyTimeoutMs) });
              return [name, response.ok ? 'up' : 'down'] as const;
            } catch {
              return [name, 'down'] as const;
            }
          }),
        );
        const ready = checks.every(([, state]) => state === 'up');
        sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', service: 'gateway', subgraphs: Object.fromEntries(checks) });
      },
    },
    {
      method: 'GET',
      path: '/graphql',
      handle: (request) => (wantsHtml(request) ? showExplorer!(request) : graphql[1]!.handle(request)),
    },
    graphql[0]!,
    { method: 'OPTIONS', path: '/graphql', handle: ({ req, res }) => void cors.preflight(req, res) },
    metrics.route(),
    ...explorer,
  ];

  const http = await startHttpService({
    host: config.host,
    port: options.port ?? config.ports.gateway,
    routes,
    logger,
    keepAliveMs: config.subgraphKeepAliveMs,
    shutdownGraceMs: config.shutdownGraceMs,
  });
  logger.info({ url: `${http.url}/graphql`, subgraphs: subgraphUrls }, 'gateway ready');

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await http.close();
      await apollo.stop();
    })());
  return { url: `${http.url}/graphql`, port: http.port, http, stop };
}
