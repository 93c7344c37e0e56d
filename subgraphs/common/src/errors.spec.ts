import { GraphQLError } from 'graphql';
import pino from 'pino';
import { AuthorizationError } from 'type-graphql';
import { DomainError, createErrorFormatter, isUnavailableError, requestRefusal } from './errors';

const format = createErrorFormatter(pino({ level: 'silent' }), false);
const formatted = (error: GraphQLError) => format({ message: error.message, extensions: error.extensions }, error);

describe('error formatting', () => {
  it('passes domain errors through with their code and details', () => {
    const error = new DomainError('INSUFFICIENT_CREDIT', 'not enough', { balanceCents: 5 });
    expect(format({ message: error.message, extensions: error.extensions }, new GraphQLError('wrapped', { originalError: error }))).toEqual({
      message: 'not enough',
      extensions: { balanceCents: 5, code: 'INSUFFICIENT_CREDIT' },
    });
  });

  it('hides unexpected errors, SQL included, behind INTERNAL_SERVER_ERROR', () => {
    const sqlError = Object.assign(new Error("ER_DUP_ENTRY: Duplicate entry 'x' for key 'PRIMARY' at db-primary.internal"), {
      code: 'BAD_USER_INPUT',
    });
    const result = format(
      { message: sqlError.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at secret.ts'] } },
      new GraphQLError(sqlError.message, { originalError: sqlError }),
    );
    expect(result).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    const codeless = formatted(new GraphQLError('library said something internal'));
    expect(codeless.message).toBe('Internal server error');
  });

  it('keeps protocol errors and codes sent by subgraphs', () => {
    expect(formatted(new GraphQLError('Cannot query field', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })).extensions).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
    });
    const downstream = new GraphQLError('Account x was not found', { originalError: { message: 'x', extensions: { code: 'NOT_FOUND' } } as unknown as Error });
    expect(format({ message: downstream.message, extensions: { code: 'NOT_FOUND' } }, downstream).extensions?.code).toBe('NOT_FOUND');
  });

  it('turns type-graphql authorization failures into FORBIDDEN and strips stack traces', () => {
    expect(formatted(new GraphQLError('x', { originalError: new AuthorizationError() })).extensions).toEqual({ code: 'FORBIDDEN' });
    const withStack = format({ message: 'm', extensions: { code: 'NOT_FOUND', stacktrace: ['line'] } }, new DomainError('NOT_FOUND', 'm'));
    expect(withStack.extensions).toEqual({ code: 'NOT_FOUND' });
  });

  it('gives refusals raised before execution their HTTP status, and a codeless 4xx from Apollo BAD_USER_INPUT', () => {
    expect(requestRefusal('FORBIDDEN', 'no').extensions).toEqual({ code: 'FORBIDDEN', http: { status: 403 } });
    expect(requestRefusal('UNAUTHENTICATED', 'who').extensions).toEqual({ code: 'UNAUTHENTICATED', http: { status: 401 } });
    const mismatch = new GraphQLError('provided sha does not match query', { extensions: { http: { status: 400 } } });
    expect(format({ message: mismatch.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, mismatch)).toEqual({
      message: 'provided sha does not match query',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const serverSide = new GraphQLError('upstream broke', { extensions: { http: { status: 502 } } });
    expect(formatted(serverSide).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});

describe('isUnavailableError', () => {
  it('sees timeouts and lost connections through TypeORM and cause wrappers, and nothing else', () => {
    expect(isUnavailableError({ driverError: { code: 'PROTOCOL_SEQUENCE_TIMEOUT' } })).toBe(true);
    expect(isUnavailableError(new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }) }))).toBe(true);
    expect(isUnavailableError({ driverError: { code: 'ER_DUP_ENTRY' } })).toBe(false);
    expect(isUnavailableError(new Error('bug'))).toBe(false);
  });
});
