import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError, parse } from 'graphql';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Agent } from 'undici';
import { PRINCIPAL_HEADER, REQUEST_ID_HEADER } from '../../subgraphs/common/src/principal';
import { startRequestSpan } from '../../subgraphs/common/src/tracing';
import { SubgraphDataSource, unavailableErrors } from './subgraph-data-source';
import type { UpstreamContext } from './subgraph-data-source';

interface Seen {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback subgraph stand-in that answers with what the test sets and records what it got. */
async function upstream(answer: { status: number; contentType: string; body: string }): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      res.writeHead(answer.status, { 'content-type': answer.contentType });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen, server };
}

function fetchOptions(context: UpstreamContext): GraphQLDataSourceProcessOptions<UpstreamContext> {
  return {
    kind: 'incoming operation',
    request: { query: 'query Q__accounts__0 { brands { code } }', operationName: 'Q__accounts__0', variables: { id: 'x' } },
    context,
  } as unknown as GraphQLDataSourceProcessOptions<UpstreamContext>;
}

describe('SubgraphDataSource', () => {
  const agent = new Agent();
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    await agent.close();
  });

  const context = (): UpstreamContext => ({
    principal: { role: 'operator', subject: 'o' },
    principalHeaderFor: async (subgraph) => `signed.principal.header.for.${subgraph}`,
    requestId: 'req-1',
    trace: startRequestSpan('test', {}),
  });

  it('sends the operation as JSON with the signed principal, request id and trace context', async () => {
    const { url, seen, server } = await upstream({ status: 200, contentType: 'application/json; charset=utf-8', body: '{"data":{"brands":[]}}' });
    servers.push(server);
    const requestContext = context();
    const response = await new SubgraphDataSource('accounts', url, agent).process(fetchOptions(requestContext));
    expect(response).toEqual({ data: { brands: [] } });
    expect(seen).toHaveLength(1);
    expect(JSON.parse(seen[0]!.body)).toEqual({ query: 'query Q__accounts__0 { brands { code } }', operationName: 'Q__accounts__0', variables: { id: 'x' } });
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.headers[PRINCIPAL_HEADER]).toBe('signed.principal.header.for.accounts');
    expect(seen[0]!.headers[REQUEST_ID_HEADER]).toBe('req-1');
    expect(seen[0]!.headers.traceparent).toMatch(new RegExp(`^00-${requestContext.trace.traceId}-[0-9a-f]{16}-0[01]$`));
  });

  it('turns a refusal into the GraphQL error Apollo would raise, with the status and the subgraph body', async () => {
    const { url, server } = await upstream({ status: 401, contentType: 'application/json', body: '{"errors":[{"message":"no principal"}]}' });
    servers.push(server);
    const failure = await new SubgraphDataSource('accounts', url, agent).process(fetchOptions(context())).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GraphQLError);
    expect((failure as GraphQLError).message).toBe('401: Unauthorized');
    expect((failure as GraphQLError).extensions).toEqual({
      code: 'UNAUTHENTICATED',
      response: { url, status: 401, statusText: 'Unauthorized', body: { errors: [{ message: 'no principal' }] } },
    });
  });

  it('passes a refused scalar value on as BAD_USER_INPUT (400), and keeps any other validation failure internal', async () => {
    const refused = JSON.stringify({ errors: [{ message: 'SafeInt cannot represent non-integer value: 1.5', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
    const value = await upstream({ status: 400, contentType: 'application/json', body: refused });
    servers.push(value.server);
    const failure = (await new SubgraphDataSource('accounts', value.url, agent).process(fetchOptions(context())).catch((error: unknown) => error)) as GraphQLError;
    expect(failure.message).toBe('SafeInt cannot represent non-integer value: 1.5');
    expect(failure.extensions).toEqual({ code: 'BAD_USER_INPUT', http: { status: 400 } });

    const drift = JSON.stringify({ errors: [{ message: 'Cannot query field "gone" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] });
    const schemaDrift = await upstream({ status: 400, contentType: 'application/json', body: drift });
    servers.push(schemaDrift.server);
    const bug = (await new SubgraphDataSource('accounts', schemaDrift.url, agent).process(fetchOptions(context())).catch((error: unknown) => error)) as GraphQLError;
    expect(bug.message).toBe('400: Bad Request');
    expect(bug.extensions.code).toBeUndefined();
  });

  it('keeps a non-JSON error body as text and refuses a 200 that is not a JSON object', async () => {
    const broken = await upstream({ status: 502, contentType: 'text/plain', body: 'bad gateway' });
    servers.push(broken.server);
    const failure = (await new SubgraphDataSource('accounts', broken.url, agent).process(fetchOptions(context())).catch((error: unknown) => error)) as GraphQLError;
    expect(failure.message).toBe('502: Bad Gateway');
    expect(failure.extensions.code).toBeUndefined();
    expect((failure.extensions.response as { body: unknown }).body).toBe('bad gateway');

    const html = await upstream({ status: 200, contentType: 'text/html', body: '<html></html>' });
    servers.push(html.server);
    await expect(new SubgraphDataSource('accounts', html.url, agent).process(fetchOptions(context()))).rejects.toThrow('Expected JSON response body');
  });

  it('sends no principal header for an anonymous request', async () => {
    const { url, seen, server } = await upstream({ status: 200, contentType: 'application/json', body: '{"data":null}' });
    servers.push(server);
    await new SubgraphDataSource('accounts', url, agent).process(fetchOptions({ principal: null, requestId: 'req-2', trace: startRequestSpan('test', {}) }));
    expect(seen[0]!.headers[PRINCIPAL_HEADER]).toBeUndefined();
  });
});

describe('unavailableErrors', () => {
  it('puts SERVICE_UNAVAILABLE on every field of every entity the fetch asked for', () => {
    const document = parse('query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Account { payouts { id } owed: balance __typename } } }');
    const errors = unavailableErrors(document, { representations: [{}, {}] });
    expect(errors.map((error) => error.path)).toEqual([
      ['_entities', 0, 'payouts'],
      ['_entities', 0, 'owed'],
      ['_entities', 1, 'payouts'],
      ['_entities', 1, 'owed'],
    ]);
    expect(errors[0]!.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    expect(unavailableErrors(parse('{ account(id: "a") { id } me { id } }'), {}).map((error) => error.path)).toEqual([['account'], ['me']]);
  });
});
