import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../../subgraphs/common/src/config';
import { HttpError } from '../../subgraphs/common/src/http';
import type { Logger } from '../../subgraphs/common/src/logger';
import type { Principal } from '../../subgraphs/common/src/principal';

/** Depth, alias, cost, token and directive limits, checked before any subgraph is asked. */
export function queryLimits(config: Config): ReturnType<ApolloArmor['protect']> {
  const limits = config.gateway;
  return new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    // Token limit is applied by graphql-js's own parser (parseOptions in the gateway), so an
    // over-long or malformed document is an ordinary 400 GRAPHQL_PARSE_FAILED.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives },
    // Suggestions ("did you mean …") reveal schema to callers who may not introspect.
    blockFieldSuggestion: { enabled: config.env === 'production' },
  }).protect();
}

/**
 * Requests per principal (per client IP for anonymous introspection and refused tokens) and minute. In memory, so per
 * gateway instance; with N instances behind a balancer the effective limit is N times this.
 */
export class RequestRateLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(perMinute: number) {
    this.limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  }

  async consume(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new HttpError(429, 'RATE_LIMITED', 'Too many requests; slow down', { retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
    }
  }
}

export function rateLimitKey(principal: Principal | null, req: IncomingMessage): string {
  return principal ? `${principal.role}:${principal.subject}` : `ip:${req.socket.remoteAddress ?? 'unknown'}`;
}

/**
 * CORS allow-list: partner frontends call from their own origins, internal dashboards from `*`
 * entries. A partner token used from another brand's origin is refused: a leaked token cannot be
 * replayed from a competitor's site.
 */
export class CorsPolicy {
  private readonly originsByBrand = new Map<string, Set<string>>();
  private readonly allOrigins = new Set<string>();

  constructor(entries: { brand: string; origin: string }[]) {
    for (const { brand, origin } of entries) {
      this.allOrigins.add(origin);
      if (!this.originsByBrand.has(brand)) this.originsByBrand.set(brand, new Set());
      this.originsByBrand.get(brand)!.add(origin);
    }
  }

  private originOf(req: IncomingMessage): string | undefined {
    const origin = req.headers.origin;
    return typeof origin === 'string' ? origin : undefined;
  }

  /** Answers a preflight; true when it was one. */
  preflight(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'OPTIONS') return false;
    const origin = this.originOf(req);
    if (!origin || !this.allOrigins.has(origin)) {
      res.writeHead(403).end();
      return true;
    }
    res.writeHead(204, {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'authorization, content-type, apollo-require-preflight, x-request-id',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    res.end();
    return true;
  }

  /** For requests from browsers (with an Origin): allowed origin, and a partner only from its brand's origins. */
  check(req: IncomingMessage, res: ServerResponse, principal: Principal | null): void {
    const origin = this.originOf(req);
    // Same-origin requests (the gateway's own explorer) carry an Origin too; they are not cross-origin.
    if (!origin || origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`) return;
    if (!this.allOrigins.has(origin)) throw new HttpError(403, 'FORBIDDEN', `Origin ${origin} is not allowed`);
    if (principal?.role === 'partner') {
      const own = this.originsByBrand.get(principal.brand ?? '');
      if (!own?.has(origin)) throw new HttpError(403, 'FORBIDDEN', `This token may not be used from ${origin}`);
    } else if (principal && principal.role !== 'customer' && !this.originsByBrand.get('*')?.has(origin)) {
      throw new HttpError(403, 'FORBIDDEN', `Internal roles may only be used from internal dashboard origins`);
    }
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
  }
}

/** Every admin and operator write is logged with who, what, when and from where. */
export function auditPlugin(logger: Logger): ApolloServerPlugin<{ principal: Principal | null; requestId: string; clientAddress: string }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operation, response, errors }) {
          const principal = contextValue.principal;
          if (!principal || (principal.role !== 'admin' && principal.role !== 'operator')) return;
          if (operation?.operation !== 'mutation') return;
          const fields = operation.selectionSet.selections
            .filter((selection) => selection.kind === Kind.FIELD)
            .map((selection) => (selection.kind === Kind.FIELD ? selection.name.value : ''));
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          logger.info(
            {
              audit: true,
              role: principal.role,
              subject: principal.subject,
              operationName: operation.name?.value ?? null,
              fields,
              from: contextValue.clientAddress,
              requestId: contextValue.requestId,
              outcome: errors?.length || body?.errors?.length ? 'error' : 'ok',
            },
            'audit: privileged write',
          );
        },
      };
    },
  };
}
