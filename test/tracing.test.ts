import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { initTracing } from '../subgraphs/common/src/tracing';
import { DEMO_ACCOUNTS } from '../subgraphs/accounts/src/services/demo-data.service';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

// This jest worker is its own process: spans of the gateway and of all subgraphs land here.
const exporter = new InMemorySpanExporter();
initTracing('guthaben-test', { exporter: 'none', otlpUrl: 'http://127.0.0.1:4318/v1/traces' }, exporter);

describe('OpenTelemetry traces across gateway and subgraphs', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    await stack.seedDemoData();
  });
  afterAll(() => stack?.stop());

  it('continues the caller\'s W3C trace through the gateway into every subgraph it asks, with operation and brand', async () => {
    const account = DEMO_ACCOUNTS.find((demo) => demo.brandCode === 'O2' && demo.topUpCents > 0)!;
    const token = await stack.token({ role: 'partner', brand: 'O2' });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    exporter.reset();
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ query: `query TraceMe { account(id: "${account.id}") { balance { cents } brand { name } topUps(first: 1) { nodes { id } } } }` }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-trace-id')).toBe(traceId);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(3);
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(new Set([traceId]));
    const gateway = spans.find((span) => span.name === 'graphql gateway')!;
    expect(gateway.attributes['graphql.operation.name']).toBe('TraceMe');
    expect(gateway.attributes['guthaben.brand']).toBe('O2');
    expect(gateway.parentSpanId).toBe('00f067aa0ba902b7');
    const subgraphs = spans.filter((span) => span.name.startsWith('graphql ') && span !== gateway).map((span) => span.attributes['guthaben.subgraph']);
    expect(new Set(subgraphs)).toEqual(new Set(['accounts', 'policies', 'payments']));
    const gatewaySpanIds = new Set(spans.filter((span) => span.resource.attributes['service.name'] && !span.attributes['guthaben.subgraph']).map((span) => span.spanContext().spanId));
    for (const span of spans.filter((candidate) => candidate.attributes['guthaben.subgraph'])) {
      expect(gatewaySpanIds.has(span.parentSpanId!)).toBe(true);
    }
  });

  it('makes up a trace id when the caller sends none, so the request can be followed in the logs', async () => {
    const token = await stack.token({ role: 'operator' });
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ brands { code } }' }),
    });
    expect(response.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(response.headers.get('x-trace-id')).not.toBe('0'.repeat(32));
  });
});
