import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap } from '@apollo/server';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { RequestLogging } from './logger';
import type { Logger } from './logger';
import { REQUEST_ID_HEADER } from './principal';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface RequestInfo {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  requestId: string;
  logger: Logger;
  params: string[];
  /** Reads the request body once, refusing more than the limit. */
  body: () => Promise<Buffer>;
}

export interface Route {
  method: 'GET' | 'POST' | 'HEAD' | 'OPTIONS';
  path: string | RegExp;
  handle: (request: RequestInfo) => Promise<void> | void;
}

export function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** A GraphQL-shaped error for requests refused before GraphQL execution starts. */
export function sendGraphQLError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  details: Record<string, unknown> = {},
): void {
  sendJson(res, status, { errors: [{ message, extensions: { ...details, code } }] }, headers);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${limit} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toHeaderMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * Serves a GraphQL request with Apollo Server. `createContext` may refuse the request by throwing an
 * HttpError (for example a missing principal), which answers without executing anything.
 */
export function graphqlRoute<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  createContext: (request: RequestInfo) => Promise<TContext>,
  bodyLimit = DEFAULT_BODY_LIMIT_BYTES,
  around: (context: TContext, run: () => Promise<void>) => Promise<void> = (_context, run) => run(),
): Route[] {
  const handle = async (request: RequestInfo): Promise<void> => {
    const { req, res, url } = request;
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const raw = await readBody(req, bodyLimit);
      const contentType = req.headers['content-type'] ?? '';
      if (raw.length > 0 && contentType.includes('application/json')) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new HttpError(400, 'BAD_REQUEST', 'Request body is not valid JSON');
        }
      } else {
        body = raw.toString('utf8');
      }
    }
    // Created before Apollo runs, so a refused caller gets its 401 instead of a context-creation 500.
    const context = await createContext(request);
    let response!: Awaited<ReturnType<ApolloServer<TContext>['executeHTTPGraphQLRequest']>>;
    await around(context, async () => {
      response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers: toHeaderMap(req), search: url.search, body },
        context: async () => context,
      });
    });
    const headers: Record<string, string> = {};
    for (const [key, value] of response.headers) headers[key] = value;
    res.writeHead(response.status ?? 200, headers);
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
  return [
    { method: 'POST', path: '/graphql', handle },
    { method: 'GET', path: '/graphql', handle },
  ];
}

export interface HttpService {
  server: Server;
  port: number;
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to the grace time), then closes. */
  close: () => Promise<void>;
}

export interface HttpServiceOptions {
  host: string;
  port: number;
  routes: Route[];
  logger: Logger;
  keepAliveMs: number;
  shutdownGraceMs: number;
  bodyLimit?: number;
}

function matchRoute(routes: Route[], method: string, pathname: string): { route: Route; params: string[] } | 'method' | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const params =
      typeof route.path === 'string'
        ? route.path === pathname
          ? []
          : undefined
        : route.path.exec(pathname)?.slice(1);
    if (!params) continue;
    pathMatched = true;
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { route, params };
  }
  return pathMatched ? 'method' : undefined;
}

export async function startHttpService(options: HttpServiceOptions): Promise<HttpService> {
  const { logger, routes } = options;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT_BYTES;
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const incomingId = req.headers[REQUEST_ID_HEADER];
    const requestId = typeof incomingId === 'string' && /^[\w.-]{1,100}$/.test(incomingId) ? incomingId : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    if (draining) res.setHeader('connection', 'close');
    const logging = new RequestLogging(logger, { requestId });
    inFlight += 1;
    res.on('close', () => {
      inFlight -= 1;
      if (draining && inFlight === 0) drained?.();
      if (logger.isLevelEnabled('debug')) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        logging.logger.debug({ method: req.method, path: url.pathname, status: res.statusCode, ms }, 'request');
      }
    });
    const match = matchRoute(routes, req.method ?? 'GET', url.pathname);
    if (match === undefined) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    if (match === 'method') {
      sendJson(res, 405, { error: 'method not allowed' });
      return;
    }
    let bodyPromise: Promise<Buffer> | undefined;
    const request: RequestInfo = {
      req,
      res,
      url,
      requestId,
      get logger() {
        return logging.logger;
      },
      params: match.params,
      body: () => (bodyPromise ??= readBody(req, bodyLimit)),
    };
    Promise.resolve()
      .then(() => match.route.handle(request))
      .catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (error instanceof HttpError) {
          sendGraphQLError(res, error.status, error.code, error.message, error.headers, error.details);
          return;
        }
        logging.logger.error({ err: error }, 'request failed');
        sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      });
  });
  // Longer than the gateway's idle socket time, so the gateway never reuses a socket we are closing.
  server.keepAliveTimeout = options.keepAliveMs;
  server.headersTimeout = options.keepAliveMs + 1000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const close = async (): Promise<void> => {
    if (draining) return;
    draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => (drained = resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, options.shutdownGraceMs).unref()),
      ]);
    }
    server.closeAllConnections();
    await closed;
  };

  return { server, port, url: `http://${options.host}:${port}`, close };
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits. Ctrl-C under `npm start` delivers the signal
 * to every process of the group and the process manager forwards another, so repeats are ignored;
 * a shutdown that hangs past the deadline exits anyway.
 */
export function exitOnSignals(logger: Logger, stop: () => Promise<void>, deadlineMs = 15_000): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // pino writes asynchronously: flush before exiting so the last lines are not lost.
    const exit = (code: number): void => logger.flush(() => process.exit(code));
    setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      exit(1);
    }, deadlineMs).unref();
    stop()
      .then(() => {
        logger.info('stopped cleanly');
        exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
