import { context } from '@opentelemetry/api';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Config, SubgraphName } from './config';
import { DomainError, ERROR_CODES } from './errors';
import type { ErrorCode } from './errors';
import { PRINCIPAL_HEADER, REQUEST_ID_HEADER, signPrincipalHeader } from './principal';
import { traceHeaders } from './tracing';

/** The call did not reach a decision (network, 5xx, timeout): safe to retry with the same idempotency key. */
export class SubgraphUnavailableError extends Error {}

interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

/**
 * Service-to-service GraphQL calls (payments and refunds moving money through the accounts ledger,
 * jobs reading brand policies). The caller is the `service` principal, signed like the gateway signs.
 * Domain errors of the callee come back as DomainErrors with the same code.
 */
export class SubgraphClient {
  private readonly agent: Agent;

  constructor(
    private readonly config: Config,
    private readonly target: SubgraphName,
    private readonly callerName: string,
    private readonly url: string = config.subgraphUrls[target],
    private readonly timeoutMs = 10_000,
  ) {
    this.agent = new Agent({ keepAliveTimeout: config.gatewayUpstreamIdleMs, connections: 32 });
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}, requestId?: string): Promise<T> {
    const principal = await signPrincipalHeader(
      { role: 'service', subject: this.callerName },
      this.config.internalSigningSecret,
      this.config.principalMaxAgeSeconds,
      this.target,
    );
    let response;
    try {
      response = await undiciFetch(this.url, {
        method: 'POST',
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: {
          'content-type': 'application/json',
          [PRINCIPAL_HEADER]: principal,
          ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
          // Service-to-service calls continue the trace of the request (or job) they serve.
          ...traceHeaders(context.active()),
        },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new SubgraphUnavailableError(`${this.target} unreachable: ${(error as Error).message}`);
    }
    let body: GraphQLBody<T>;
    try {
      body = (await response.json()) as GraphQLBody<T>;
    } catch {
      throw new SubgraphUnavailableError(`${this.target} answered HTTP ${response.status} without JSON`);
    }
    const error = body.errors?.[0];
    if (error) {
      const code = error.extensions?.code;
      if (code && code !== 'INTERNAL_SERVER_ERROR' && (ERROR_CODES as readonly string[]).includes(code)) {
        const { code: _code, ...details } = error.extensions ?? {};
        throw new DomainError(code as ErrorCode, error.message, details);
      }
      throw new SubgraphUnavailableError(`${this.target} failed: ${error.message}`);
    }
    if (!body.data) throw new SubgraphUnavailableError(`${this.target} answered without data`);
    return body.data;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
