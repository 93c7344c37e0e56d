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
});
