import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';
import { TokenError, createTokenVerifier } from '../gateway/src/jwt';
import { SUBGRAPH_NAMES, loadConfig } from '../subgraphs/common/src/config';
import type { SubgraphName } from '../subgraphs/common/src/config';
import { schemaDir } from '../subgraphs/common/src/paths';
import { PRINCIPAL_HEADER, signPrincipalHeader } from '../subgraphs/common/src/principal';
import type { Principal } from '../subgraphs/common/src/principal';

/**
 * Hive Gateway serving the committed supergraph, for the side-by-side in `npm run bench` only.
 * It does the auth work our gateway does on every request (verify the client's JWT, sign the
 * principal for each subgraph it reaches), so the comparison measures the gateways, not
 * skipped work. Our gateway's extra hardening (query limits, safelist, rate limit, audit log,
 * metrics, tracing) has no counterpart here, so what is left of the difference favours Hive.
 */

interface HiveAuthContext {
  /** The principal signed for each subgraph it reaches, once per request and subgraph, as our gateway does. */
  principalHeaders?: { principal: Principal; signed: Map<string, Promise<string>> };
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Our LOG_LEVEL (pino's names) in Hive's logger terms. */
function hiveLogLevel(level: string): 'trace' | 'debug' | 'info' | 'warn' | 'error' | false {
  if (level === 'silent') return false;
  if (level === 'fatal') return 'error';
  return level === 'trace' || level === 'debug' || level === 'info' || level === 'error' ? level : 'warn';
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const port = Number(process.env.HIVE_GATEWAY_PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error('HIVE_GATEWAY_PORT must be set');
  const verifyToken = await createTokenVerifier(config);

  const authenticate: GatewayPlugin<HiveAuthContext> = {
    onContextBuilding: async ({ context, extendContext }) => {
      const authorization = context.request?.headers.get('authorization') ?? undefined;
      const match = authorization ? /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(authorization) : null;
      if (!match?.[1]) throw unauthenticated('Authentication required: send Authorization: Bearer <token>');
      try {
        const principal = await verifyToken(match[1]);
        extendContext({ principalHeaders: { principal, signed: new Map() } });
      } catch (error) {
        if (error instanceof TokenError) throw unauthenticated('Invalid or expired token');
        throw error;
      }
    },
  };

  const runtime = createGatewayRuntime<HiveAuthContext>({
    // A local SDL: no CDN, no GraphOS, no polling.
    supergraph: readFileSync(join(schemaDir(), 'supergraph.graphql'), 'utf8'),
    // The supergraph's join__graph URLs are the development ports; the bench runs on free ones.
    transportEntries: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, { location: config.subgraphUrls[name] }])),
    propagateHeaders: {
      fromClientToSubgraphs: async ({ context, subgraphName }) => {
        const headers = context.principalHeaders;
        if (!headers) return {};
        let signed = headers.signed.get(subgraphName);
        if (!signed) {
          signed = signPrincipalHeader(headers.principal, config.internalSigningSecret, config.principalMaxAgeSeconds, subgraphName as SubgraphName);
          headers.signed.set(subgraphName, signed);
        }
        return { [PRINCIPAL_HEADER]: await signed };
      },
    },
    plugins: () => [authenticate],
    // No `reporting`: nothing is sent to Hive Console or GraphOS.
    graphiql: false,
    landingPage: false,
    batching: false,
    logging: hiveLogLevel(config.logLevel),
    readinessCheckEndpoint: '/ready',
  });

  const server = createServer(runtime);
  server.keepAliveTimeout = config.subgraphKeepAliveMs;
  await new Promise<void>((resolve) => server.listen(port, config.host, resolve));
  process.stdout.write(`hive gateway listening on http://${config.host}:${port}/graphql\n`);

  const stop = (): void => {
    server.close();
    server.closeIdleConnections();
    void Promise.resolve(runtime.dispose()).finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`hive gateway failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
