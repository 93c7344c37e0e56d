import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

describe('observability', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  const scrape = async (graphqlUrl: string): Promise<string> => {
    const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };

  it('exposes Prometheus metrics on the gateway and every subgraph: operations, latency, errors, pool, outbox', async () => {
    const token = await stack.token({ role: 'partner', brand: 'O2' });
    expect((await stack.query(token, 'query BrandList { brands { code } }')).errors).toBeUndefined();
    expect((await stack.query(token, 'query Missing { brand(code: "NOPE") { code } }')).errors).toBeDefined();

    const gateway = await scrape(stack.gateway.url);
    expect(gateway).toMatch(/guthaben_graphql_operations_total\{[^}]*operation="BrandList"[^}]*outcome="ok"[^}]*\} 1/);
    expect(gateway).toMatch(/guthaben_graphql_errors_total\{[^}]*code="NOT_FOUND"[^}]*\} 1/);
    expect(gateway).toMatch(/guthaben_graphql_operation_duration_seconds_count\{[^}]*operation="BrandList"/);

    const policies = await scrape(stack.subgraphs.policies.url);
    expect(policies).toMatch(/guthaben_graphql_operations_total\{[^}]*service="policies"/);
    expect(policies).toMatch(/guthaben_db_pool_connections\{[^}]*state="open"[^}]*\} [1-9]/);

    const payments = await scrape(stack.subgraphs.payments.url);
    expect(payments).toMatch(/guthaben_outbox_pending_messages\{[^}]*\} 0/);
    expect(payments).toMatch(/guthaben_outbox_lag_seconds\{[^}]*\} 0/);
    // Nothing secret or personal in metrics.
    expect(gateway).not.toMatch(/Bearer|eyJ/);
  });

  /** Subgraph calls the gateway made for one client operation: its query plan names them `<operation>__<subgraph>__<n>`. */
  const subgraphCalls = async (operation: string): Promise<Record<string, number>> => {
    const calls: Record<string, number> = {};
    for (const [name, subgraph] of Object.entries(stack.subgraphs)) {
      const text = await scrape(subgraph.url);
      for (const line of text.split('\n')) {
        const match = /^guthaben_graphql_operations_total\{[^}]*operation="([^"]+)"[^}]*\} (\d+)/.exec(line);
        if (match?.[1]?.startsWith(`${operation}__${name}__`)) calls[name] = (calls[name] ?? 0) + Number(match[2]);
      }
    }
    return calls;
  };

  it("answers an account's brand and validity with one policies call, for one account and for a list", async () => {
    await stack.seedDemoData();
    const partner = await stack.token({ role: 'partner', brand: 'CONGSTAR' });
    const list = await stack.query<{ accounts: { edges: { node: { id: string } }[] } }>(partner, 'query DemoIds { accounts(first: 5) { edges { node { id } } } }');
    expect(list.errors).toBeUndefined();
    const id = list.data!.accounts.edges[0]!.node.id;

    const one = await stack.query<{ account: { brand: { code: string; name: string }; validity: { phase: string } } }>(
      partner,
      'query BrandAndValidity($id: ID!) { account(id: $id) { brand { code name policy { version } } validity { phase } } }',
      { id },
    );
    expect(one.errors).toBeUndefined();
    expect(one.data!.account.brand).toMatchObject({ code: 'CONGSTAR', name: 'congstar Prepaid' });
    expect(one.data!.account.validity.phase).toBe('ACTIVE');
    expect(await subgraphCalls('BrandAndValidity')).toEqual({ accounts: 1, policies: 1 });

    const page = await stack.query<{ accounts: { edges: { node: { brand: { code: string; name: string } } }[] } }>(
      partner,
      'query BrandsOfPage { accounts(first: 20) { edges { node { brand { code name } validity { phase } } } } }',
    );
    expect(page.errors).toBeUndefined();
    expect(page.data!.accounts.edges.length).toBeGreaterThan(0);
    for (const { node } of page.data!.accounts.edges) expect(node.brand).toEqual({ code: 'CONGSTAR', name: 'congstar Prepaid' });
    expect(await subgraphCalls('BrandsOfPage')).toEqual({ accounts: 1, policies: 1 });
  });
});

describe('metrics under many client-chosen operation names', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ METRICS_MAX_OPERATION_NAMES: '10' });
  });
  afterAll(() => stack?.stop());

  it('keeps the gateway and subgraph series bounded when every request names its operation anew', async () => {
    const token = await stack.token({ role: 'partner', brand: 'O2' });
    for (let i = 0; i < 200; i += 1) {
      const answer = await stack.query(token, `query Probe${i} { brands { code } }`);
      expect(answer.errors).toBeUndefined();
    }
    for (const url of [stack.gateway.url, stack.subgraphs.policies.url]) {
      const text = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
      const labels = new Set([...text.matchAll(/^guthaben_graphql_operations_total\{[^}]*operation="([^"]+)"/gm)].map((match) => match[1]));
      expect(labels.size).toBeLessThanOrEqual(10 + 1);
      expect(labels).toContain('other');
    }
  });
});
