import { createHash } from 'node:crypto';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

/** Status, codes and whether any data came back: what a client sees of a refusal. */
async function outcome(stack: TestStack, token: string | undefined, query: string, variables: Record<string, unknown> = {}) {
  const answer = await stack.query(token, query, variables);
  return { status: answer.status, codes: (answer.errors ?? []).map((error) => error.extensions?.code), data: answer.data ?? null };
}

describe('refusals carry their own code and HTTP status, never INTERNAL_SERVER_ERROR', () => {
  let stack: TestStack;
  let operator: string;
  beforeAll(async () => {
    stack = await startTestStack({ INTROSPECTION: 'internal', SAFELIST_ENFORCE: 'partners' });
    operator = await stack.token({ role: 'operator' });
  });
  afterAll(() => stack?.stop());

  it('answers authorization refusals made before execution with 401 or 403', async () => {
    const customer = await stack.token({ role: 'customer', account_id: 'acc-1' });
    expect(await outcome(stack, customer, '{ __schema { queryType { name } } }')).toEqual({ status: 403, codes: ['FORBIDDEN'], data: null });
    const partner = await stack.token({ role: 'partner', brand: 'O2' });
    expect(await outcome(stack, partner, 'query Unregistered { brands { code } }')).toEqual({ status: 403, codes: ['FORBIDDEN'], data: null });
    expect(await outcome(stack, undefined, '{ brands { code } }')).toEqual({ status: 401, codes: ['UNAUTHENTICATED'], data: null });
  });

  it('answers malformed DateTimeISO and SafeInt values, in variables and literals, with 400 BAD_USER_INPUT', async () => {
    const volume = 'query Volume($from: DateTimeISO!) { topUpVolume(from: $from, to: "2026-02-01T00:00:00Z") { channel } }';
    const balances = 'query Balances($min: SafeInt) { accounts(first: 1, filter: { minBalance: $min }) { totalCount } }';
    const cases: [string, Record<string, unknown>][] = [
      [volume, { from: 'not-a-date' }],
      [volume, { from: '2026-13-45T99:00:00Z' }],
      ['{ topUpVolume(from: "yesterday", to: "2026-02-01T00:00:00Z") { channel } }', {}],
      [balances, { min: 'abc' }],
      [balances, { min: 2 ** 60 }],
      ['{ accounts(first: 1, filter: { minBalance: 1.5 }) { totalCount } }', {}],
    ];
    for (const [query, variables] of cases) {
      const answer = await stack.query(operator, query, variables);
      expect({ query, variables, status: answer.status, codes: answer.errors?.map((error) => error.extensions?.code), data: answer.data ?? null }).toEqual({
        query,
        variables,
        status: 400,
        codes: ['BAD_USER_INPUT'],
        data: null,
      });
      expect(answer.errors![0]!.message).toMatch(/cannot represent/);
    }
    // A well-formed value of the same operations still runs.
    expect((await outcome(stack, operator, volume, { from: '2026-01-01T00:00:00Z' })).codes).toEqual([]);
    expect((await outcome(stack, operator, balances, { min: -500 })).codes).toEqual([]);
  });

  it('answers a persisted query whose hash does not match its text with 400 BAD_USER_INPUT', async () => {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
      body: JSON.stringify({
        query: '{ brands { code } }',
        extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update('{ brands { name } }').digest('hex') } },
      }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect({ status: response.status, codes: body.errors.map((error) => error.extensions.code) }).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    expect(body.errors[0]!.message).toMatch(/does not match/);
  });
});
