import { ServiceMetrics } from './metrics';

describe('service metrics', () => {
  it('counts job runs by job and outcome, and rethrows failures', async () => {
    const metrics = new ServiceMetrics('unit');
    await expect(metrics.timeJob('validity-lifecycle', async () => 3)).resolves.toBe(3);
    await expect(metrics.timeJob('validity-lifecycle', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/guthaben_job_runs_total\{job="validity-lifecycle",outcome="ok",service="unit"\} 1/);
    expect(text).toMatch(/guthaben_job_runs_total\{job="validity-lifecycle",outcome="error",service="unit"\} 1/);
  });
});
