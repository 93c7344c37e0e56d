import type { BaseContext, GraphQLRequestContextDidResolveOperation, GraphQLRequestContextWillSendResponse, GraphQLRequestListener } from '@apollo/server';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceMetrics } from './metrics';

/** Runs one operation of the given name through the metrics plugin, as Apollo Server would. */
async function runOperation(metrics: ServiceMetrics, operationName: string): Promise<void> {
  const plugin = metrics.plugin<BaseContext>();
  const listener = (await plugin.requestDidStart!({} as never)) as GraphQLRequestListener<BaseContext>;
  await listener.didResolveOperation!({ operationName } as GraphQLRequestContextDidResolveOperation<BaseContext>);
  await listener.willSendResponse!({ response: { body: { kind: 'single', singleResult: {} } } } as GraphQLRequestContextWillSendResponse<BaseContext>);
}

function operationLabels(text: string): Set<string> {
  const labels = new Set<string>();
  for (const match of text.matchAll(/^guthaben_graphql_operations_total\{[^}]*operation="([^"]+)"/gm)) labels.add(match[1]!);
  return labels;
}


describe('service metrics', () => {
  it('counts job runs by job and outcome, and rethrows failures', async () => {
    const metrics = new ServiceMetrics('unit');
    await expect(metrics.timeJob('validity-lifecycle', async () => 3)).resolves.toBe(3);
    await expect(metrics.timeJob('validity-lifecycle', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/guthaben_job_runs_total\{job="validity-lifecycle",outcome="ok",service="unit"\} 1/);
    expect(text).toMatch(/guthaben_job_runs_total\{job="validity-lifecycle",outcome="error",service="unit"\} 1/);
  });

  it('keeps operation labels bounded: 10,000 client-chosen names add at most the configured number of series', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guthaben-metrics-'));
    const safelistPath = join(dir, 'safelist.json');
    writeFileSync(safelistPath, JSON.stringify({ operations: [{ id: 'x', name: 'TopUpPage', brands: ['O2'], body: 'query TopUpPage { brands { code } }' }] }));
    const metrics = new ServiceMetrics('unit', { safelistPath, maxOperationNames: 20 });
    for (let i = 0; i < 10_000; i += 1) await runOperation(metrics, `Probe${i}`);
    await runOperation(metrics, 'TopUpPage');
    // A subgraph sees a registered operation under the name the gateway's query plan gives it.
    await runOperation(metrics, 'TopUpPage__unit__0');
    const text = await metrics.registry.metrics();
    const labels = operationLabels(text);
    expect(labels.size).toBeLessThanOrEqual(20 + 3);
    expect(labels).toContain('other');
    expect(labels).toContain('TopUpPage');
    expect(labels).toContain('TopUpPage__unit__0');
    expect(labels).not.toContain('Probe9999');
    expect(text).toMatch(/guthaben_graphql_operations_total\{operation="other",outcome="ok",service="unit"\} 9980/);
    const durationSeries = text.split('\n').filter((line) => line.startsWith('guthaben_graphql_operation_duration_seconds_bucket')).length;
    expect(durationSeries).toBeLessThanOrEqual((20 + 3) * 12);
  });
});
