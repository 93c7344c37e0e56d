import { GraphQLError } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';
import { AuthorizationError } from 'type-graphql';
import type { Logger } from './logger';

/** The closed set of error codes clients may rely on. Anything else is INTERNAL_SERVER_ERROR. */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INSUFFICIENT_CREDIT',
  'SIM_INACTIVE',
  'THIRD_PARTY_BLOCKED',
  'LIMIT_EXCEEDED',
  'PAYMENT_METHOD_BLOCKED',
  'RATE_LIMITED',
  'VOUCHER_INVALID',
  'VOUCHER_ALREADY_REDEEMED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes produced by graphql-js / Apollo Server themselves for malformed requests. */
const PROTOCOL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

const PUBLIC_CODES = new Set<string>([...ERROR_CODES, ...PROTOCOL_CODES]);

export class DomainError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, { extensions: { ...details, code } });
    this.code = code;
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string): DomainError =>
  new DomainError('NOT_FOUND', `${what} ${id} was not found`, { id });

export const badInput = (message: string, field?: string): DomainError =>
  new DomainError('BAD_USER_INPUT', message, field ? { field } : {});

export const forbidden = (message = 'You are not allowed to do this'): DomainError =>
  new DomainError('FORBIDDEN', message);

const REFUSAL_STATUS = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403 } as const;

/**
 * A refusal raised before execution (gateway plugins): Apollo Server answers such errors with
 * HTTP 500 unless they name a status, so each refusal code carries its own.
 */
export function requestRefusal(code: keyof typeof REFUSAL_STATUS, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: REFUSAL_STATUS[code] } } });
}

/** An error Apollo Server raised itself for a malformed request (e.g. a persisted-query hash mismatch): a 4xx without a code. */
function isCodelessClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export const SERVICE_UNAVAILABLE_MESSAGE = 'A service this request needs did not answer in time; retry shortly';

/** A dependency (database, subgraph) did not answer in time or is down: the client may retry the same request. */
export const serviceUnavailable = (): DomainError =>
  new DomainError('SERVICE_UNAVAILABLE', SERVICE_UNAVAILABLE_MESSAGE, { retryable: true });

/**
 * Driver and network codes that mean "the dependency did not answer or went away", not "the
 * request is wrong": MariaDB timeouts and lost connections, SQLite's busy lock, our pool acquire
 * timeout, and undici's upstream timeouts and socket errors.
 */
const UNAVAILABLE_CODES = new Set([
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_CONNECTION_LOST',
  'POOL_ACQUIRE_TIMEOUT',
  'ER_STATEMENT_TIMEOUT',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'SQLITE_BUSY',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** True when the error (or the driver error or cause it wraps) says a dependency is unavailable. */
export function isUnavailableError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const { code, driverError, cause } = error as { code?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return isUnavailableError(driverError, depth + 1) || isUnavailableError(cause, depth + 1);
}

function validationDetails(original: unknown): Record<string, unknown> | undefined {
  // type-graphql's ArgumentValidationError carries class-validator results; expose only field names and rules.
  const errors = (original as { extensions?: { validationErrors?: unknown } } | undefined)?.extensions
    ?.validationErrors;
  if (!Array.isArray(errors)) return undefined;
  return {
    fields: errors.map((error: { property?: string; constraints?: Record<string, string> }) => ({
      field: error.property,
      problems: Object.values(error.constraints ?? {}),
    })),
  };
}

/**
 * Passes domain and protocol errors through unchanged and hides everything else (SQL, stack traces,
 * host names) behind INTERNAL_SERVER_ERROR, logging the original once.
 */
export function createErrorFormatter(logger: Logger, exposeStack: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (original instanceof DomainError) {
      return withoutStack(formatted, exposeStack);
    }
    if (isUnavailableError(original)) {
      logger.warn({ err: original, path: formatted.path }, 'dependency unavailable');
      return {
        message: SERVICE_UNAVAILABLE_MESSAGE,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
      };
    }
    const validation = validationDetails(original);
    if (validation) {
      return {
        message: 'Argument validation failed',
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'BAD_USER_INPUT', ...validation },
      };
    }
    if (isCodelessClientError(error)) {
      return { message: formatted.message, locations: formatted.locations, extensions: { code: 'BAD_USER_INPUT' } };
    }
    const code = formatted.extensions?.code;
    // Public codes pass when graphql-js/Apollo raised them, or when a subgraph sent them to the
    // gateway (a plain object: the subgraph already hid its internals). A thrown Error with a code
    // (a driver error, say) is never trusted.
    if (original instanceof AuthorizationError) {
      return { ...hidden(formatted), message: 'You are not allowed to do this', extensions: { code: 'FORBIDDEN' } };
    }
    const raisedByError = original instanceof Error && !(original instanceof GraphQLError);
    if (code === 'SERVICE_UNAVAILABLE' && !raisedByError) {
      // The gateway adds the subgraph's name (serviceName): clients learn only that they may retry.
      return { message: SERVICE_UNAVAILABLE_MESSAGE, locations: formatted.locations, path: formatted.path, extensions: { code, retryable: true } };
    }
    if (typeof code === 'string' && PUBLIC_CODES.has(code) && !raisedByError) {
      // A subgraph's INTERNAL_SERVER_ERROR reaches the gateway already masked; any other one is masked here.
      if (code !== 'INTERNAL_SERVER_ERROR') return withoutStack(formatted, exposeStack);
      if (!(original instanceof GraphQLError)) return hidden(formatted);
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error hidden from client');
    return hidden(formatted);
  };
}

function hidden(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

function withoutStack(formatted: GraphQLFormattedError, exposeStack: boolean): GraphQLFormattedError {
  if (exposeStack || !formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
  const { stacktrace: _ignored, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
