import type { SubgraphDefinition } from '../subgraphs/common/src/subgraph';
import { errorCode } from '../subgraphs/common/src/testing/graphql-client';
import { freshProductionSecrets } from '../subgraphs/common/src/testing/production-secrets';
import { createRefundsSubgraph } from '../subgraphs/refunds/src/refunds.subgraph';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

const CONGSTAR_APP = 'https://app.congstar.example';
const DASHBOARD = 'https://dashboard.guthaben.example';

describe('gateway hardening', () => {
  let stack: TestStack;
  let partner: string;

  beforeAll(async () => {
    stack = await startTestStack({
      RATE_LIMIT_PER_MINUTE: '40',
      CORS_ALLOWED_ORIGINS: `CONGSTAR=${CONGSTAR_APP},*=${DASHBOARD}`,
      GATEWAY_BODY_LIMIT_BYTES: '4096',
      GATEWAY_MAX_DEPTH: '5',
    });
    partner = await stack.token({ role: 'partner', brand: 'CONGSTAR' });
  });
  afterAll(() => stack?.stop());

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${partner}`, ...headers }, body });

  it('refuses queries nested deeper than the limit and alias floods, before any subgraph is asked', async () => {
    // GATEWAY_MAX_DEPTH is 5 in this stack.
    const shallow = await stack.query(partner, '{ brands { policy { policy { network } } } }');
    expect(shallow.errors).toBeUndefined();
    const deep = await stack.query(partner, '{ brands { policy { policy { topUp { channels { kind } } } } } }');
    expect(deep.data ?? null).toBeNull();
    expect(deep.errors?.[0]?.message).toMatch(/depth/i);
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: brands { code }`).join(' ');
    const flood = await stack.query(partner, `{ ${aliases} }`);
    expect(flood.data ?? null).toBeNull();
    expect(flood.errors?.[0]?.message).toMatch(/alias/i);
    expect(errorCode(flood)).toBe(errorCode(deep));
  });

  it('refuses bodies over the size limit and batched requests', async () => {
    const big = await post(JSON.stringify({ query: `{ brands { code } } # ${'x'.repeat(5000)}` }));
    expect(big.status).toBe(413);
    const batch = await post(JSON.stringify([{ query: '{ brands { code } }' }, { query: '{ brands { name } }' }]));
    expect(batch.status).toBe(400);
  });

  it('allows browser calls only from listed origins, and a partner token only from its brand\'s origin', async () => {
    const preflight = (origin: string) =>
      fetch(stack.gateway.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    expect((await preflight('https://evil.example')).status).toBe(403);
    const allowed = await preflight(CONGSTAR_APP);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(CONGSTAR_APP);

    const fromOwnOrigin = await post(JSON.stringify({ query: '{ brands { code } }' }), { origin: CONGSTAR_APP });
    expect(fromOwnOrigin.status).toBe(200);
    expect(fromOwnOrigin.headers.get('access-control-allow-origin')).toBe(CONGSTAR_APP);
    expect((await post(JSON.stringify({ query: '{ brands { code } }' }), { origin: 'https://evil.example' })).status).toBe(403);

    const telekom = await stack.token({ role: 'partner', brand: 'TELEKOM' });
    const foreign = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${telekom}`, origin: CONGSTAR_APP },
      body: JSON.stringify({ query: '{ brands { code } }' }),
    });
    expect(foreign.status).toBe(403);
    const operator = await stack.token({ role: 'operator' });
    const operatorFromPartnerSite = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}`, origin: CONGSTAR_APP },
      body: JSON.stringify({ query: '{ brands { code } }' }),
    });
    expect(operatorFromPartnerSite.status).toBe(403);
    const operatorFromDashboard = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}`, origin: DASHBOARD },
      body: JSON.stringify({ query: '{ brands { code } }' }),
    });
    expect(operatorFromDashboard.status).toBe(200);
  });

  it('limits requests per principal with a clear code and a retry time', async () => {
    const customer = await stack.token({ role: 'customer', account_id: 'rate-limited-account', sub: 'rate-limited-customer' });
    const answers = [];
    for (let i = 0; i < 45; i += 1) answers.push(await stack.query(customer, '{ brands { code } }'));
    const limited = answers.filter((answer) => answer.status === 429);
    expect(limited.length).toBe(5);
    expect(errorCode(limited[0]!)).toBe('RATE_LIMITED');
    expect(limited[0]!.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    const otherPrincipal = await stack.query(partner, '{ brands { code } }');
    expect(otherPrincipal.status).toBe(200);
  });
});

describe('rate limit of requests with invalid tokens', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_PER_MINUTE: '10' });
  });
  afterAll(() => stack?.stop());

  it('counts refused tokens against the client address, so guessing tokens is limited too', async () => {
    const valid = await stack.token({ role: 'partner', brand: 'O2' });
    const [head, payload] = valid.split('.');
    const forged = `${head}.${payload}.${'A'.repeat(43)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await stack.query(forged, '{ brands { code } }')).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    const malformed = await stack.query('not-a-jwt', '{ brands { code } }');
    expect({ status: malformed.status, code: errorCode(malformed) }).toEqual({ status: 429, code: 'RATE_LIMITED' });
    // The address's budget is spent; a caller with a valid token has a budget of its own.
    expect((await stack.query(valid, '{ brands { code } }')).status).toBe(200);
  });
});

describe('explorer in production', () => {
  let stack: TestStack;
  beforeAll(async () => {
    const secrets = freshProductionSecrets();
    // Refunds reads its PAYOUT_* settings from its own source, not the stack's overrides.
    const refunds = createRefundsSubgraph({ env: { PAYOUT_IBAN_KEY: secrets.PAYOUT_IBAN_KEY } }) as SubgraphDefinition<unknown, unknown>;
    stack = await startTestStack({ NODE_ENV: 'production', ...secrets }, { definitions: { refunds } });
  });
  afterAll(() => stack?.stop());

  it('is not served unless EXPLORER opts in', async () => {
    const base = stack.gateway.url.replace(/\/graphql$/, '');
    for (const path of ['/', '/explorer', '/explorer/assets/graphiql.min.js']) {
      expect({ path, status: (await fetch(`${base}${path}`)).status }).toEqual({ path, status: 404 });
    }
    const browser = await fetch(stack.gateway.url, { headers: { accept: 'text/html' } });
    expect(browser.headers.get('content-type') ?? '').not.toContain('text/html');
    // The API itself is unaffected.
    const partner = await stack.token({ role: 'partner', brand: 'O2' });
    expect((await stack.query(partner, '{ brands { code } }')).errors).toBeUndefined();
  });
});

describe('introspection only where configured', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ INTROSPECTION: 'internal' });
  });
  afterAll(() => stack?.stop());

  it('shows the schema to operators, admins and services only', async () => {
    const query = '{ __schema { queryType { name } } }';
    const partner = await stack.token({ role: 'partner', brand: 'O2' });
    expect(errorCode(await stack.query(partner, query))).toBe('FORBIDDEN');
    const customer = await stack.token({ role: 'customer', account_id: 'acc-1' });
    expect(errorCode(await stack.query(customer, `{ __type(name: "Account") { name } }`))).toBe('FORBIDDEN');
    expect(errorCode(await stack.query(undefined, query))).toBe('UNAUTHENTICATED');
    const operator = await stack.token({ role: 'operator' });
    const allowed = await stack.query<{ __schema: { queryType: { name: string } } }>(operator, query);
    expect(allowed.data?.__schema.queryType.name).toBe('Query');
    expect((await stack.query(partner, '{ brands { code } }')).errors).toBeUndefined();
  });

  it('sees introspection hidden in fragments and inline fragments', async () => {
    const partner = await stack.token({ role: 'partner', brand: 'O2' });
    const hidden = [
      '{ ...F } fragment F on Query { __schema { types { name } } }',
      '{ ... on Query { __schema { types { name } } } }',
      '{ brands { code } ... on Query { __type(name: "Account") { fields { name } } } }',
      'query { ...Outer } fragment Outer on Query { ...Inner } fragment Inner on Query { __schema { queryType { name } } }',
    ];
    for (const query of hidden) {
      const answer = await stack.query(partner, query);
      expect({ query, code: errorCode(answer), data: answer.data ?? null }).toEqual({ query, code: 'FORBIDDEN', data: null });
    }
    const operator = await stack.token({ role: 'operator' });
    const allowed = await stack.query<{ __schema: { types: { name: string }[] } }>(operator, hidden[0]!);
    expect(allowed.data?.__schema.types.length).toBeGreaterThan(10);
  });
});

describe('CSRF prevention', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  it('refuses requests a browser could send cross-site without a preflight', async () => {
    const token = await stack.token({ role: 'operator' });
    const simpleForm = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ brands { code } }' }),
    });
    expect(simpleForm.status).toBe(400);
    const simpleGet = await fetch(`${stack.gateway.url}?query=${encodeURIComponent('{ brands { code } }')}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    expect(simpleGet.status).toBe(400);
    const withPreflightHeader = await fetch(`${stack.gateway.url}?query=${encodeURIComponent('{ brands { code } }')}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(withPreflightHeader.status).toBe(200);
  });
});
