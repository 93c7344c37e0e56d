import { coresBusy, renderResults } from './report';
import type { BenchReport, LoadResult } from './report';

function load(requestsPerSecond: number, cpuMsPerOp: Record<string, number>): LoadResult {
  return { requestsPerSecond, p50: 10, p99: 20, errors: 0, operations: requestsPerSecond * 10, cpuMsPerOp, restShare: 0, stealShare: 0 };
}

function report(single: LoadResult, double: LoadResult): BenchReport {
  return {
    machine: { cpu: 'test CPU', cores: 2, memoryGiB: 8, node: 'v20' },
    accounts: 1000,
    durationS: 10,
    connections: 32,
    scenarios: [{ key: 's5', title: '5 single-subgraph read via gateway', viaGateway: true }],
    passes: [
      { workers: 1, results: { s5: single }, rss: {} },
      { workers: 2, results: { s5: double }, rss: {} },
    ],
    calibration: {},
    dashboardSql: {},
    sqlMethod: 'questions',
    memoryTolerance: 0.1,
    settleS: 5,
  };
}

describe('bench report', () => {
  it('counts the cores a load kept busy from CPU per operation and throughput', () => {
    expect(coresBusy(load(1000, { gateway: 0.5, accounts: 0.5, mariadb: 0.25 }))).toBeCloseTo(1.25, 6);
    expect(coresBusy({ requestsPerSecond: 1000, p50: 1, p99: 1, errors: 0, operations: 1 })).toBeUndefined();
  });

  it('says how busy WORKERS=1 left the machine where a second worker added nothing, and what it cost per operation', () => {
    const text = renderResults(report(load(1000, { gateway: 0.9, accounts: 0.9 }), load(900, { gateway: 1.1, accounts: 1.1 })));
    expect(text).toContain('WORKERS=2 vs WORKERS=1: 90% (WORKERS=1 kept 1.80 of 2 cores busy; CPU per operation at WORKERS=2: +22.2%)');
    expect(text).toContain('None grew with WORKERS=2. Did not grow: 1 load(s) that kept 1.80 to 1.80 of 2 cores busy at WORKERS=1, where WORKERS=2 made each operation cost +22.2% to +22.2% CPU.');
    expect(text).toContain('### WORKERS=2');
    expect(text).toMatch(/\| 5 single-subgraph read via gateway \| 1\.10 \| 1\.10 \| 2\.20 \| 1\.98 \|/);
  });

  it('names the loads that grew with workers', () => {
    const text = renderResults(report(load(1000, { gateway: 0.4, accounts: 0.4 }), load(1500, { gateway: 0.4, accounts: 0.4 })));
    expect(text).toContain('WORKERS=2 vs WORKERS=1: 150%');
    expect(text).toContain('Grew with WORKERS=2: 5 single-subgraph read via gateway (150%; 0.80 of 2 cores busy at WORKERS=1). ');
    expect(text).not.toContain('Did not grow');
  });

  it('compares every worker count with WORKERS=1, not only the last', () => {
    const base = report(load(1000, { gateway: 0.4, accounts: 0.4 }), load(1500, { gateway: 0.4, accounts: 0.4 }));
    base.passes.push({ workers: 4, results: { s5: load(800, { gateway: 0.6, accounts: 0.6 }) }, rss: {} });
    const text = renderResults(base);
    expect(text).toContain('- 5 single-subgraph read via gateway: WORKERS=2 vs WORKERS=1: 150%');
    expect(text).toContain('Grew with WORKERS=2: 5 single-subgraph read via gateway (150%; 0.80 of 2 cores busy at WORKERS=1). ');
    expect(text).toContain('- 5 single-subgraph read via gateway: WORKERS=4 vs WORKERS=1: 80% (WORKERS=1 kept 0.80 of 2 cores busy; CPU per operation at WORKERS=4: +50.0%)');
    expect(text).toContain('None grew with WORKERS=4. Did not grow: 1 load(s) that kept 0.80 to 0.80 of 2 cores busy at WORKERS=1, where WORKERS=4 made each operation cost +50.0% to +50.0% CPU.');
  });

  it('shows a limit no service runs as the machine drift between the passes, not as worker growth', () => {
    const base = report(load(1000, { gateway: 0.4, accounts: 0.4 }), load(1000, { gateway: 0.4, accounts: 0.4 }));
    base.scenarios.push({ key: 's3d', title: '3 same SQL straight via mysql2', withoutServices: true });
    base.passes[0]!.results.s3d = load(500, { mariadb: 1, bench: 1 });
    base.passes[1]!.results.s3d = load(640, { mariadb: 1, bench: 1 });
    const text = renderResults(base);
    expect(text).toContain("- 3 same SQL straight via mysql2, WORKERS=2 vs WORKERS=1 (no service, so no workers involved: the machine's own drift between the passes): 128%");
    expect(text).not.toContain('Grew with WORKERS=2: 3 same SQL');
    expect(text).toContain('None grew with WORKERS=2. Did not grow: 1 load(s)');
  });

  it('says which gateway ran each scenario first, from the report', () => {
    const base = report(load(1000, { gateway: 0.4 }), load(1000, { gateway: 0.4 }));
    base.scenarios = [
      { key: 's1', title: '1 self-service read', viaGateway: true },
      { key: 's2', title: '2 dashboard list of 50', viaGateway: true, hiveFirst: true },
      { key: 's5', title: '5 single-subgraph read via gateway', viaGateway: true },
    ];
    const pass = base.passes[0]!;
    pass.results = { s1: load(100, { gateway: 1 }), s2: load(100, { gateway: 1 }), s5: load(1000, { gateway: 0.4 }) };
    pass.hive = { s1: load(50, { hive: 2 }), s2: load(50, { hive: 2 }), s5: load(500, { hive: 0.8 }) };
    expect(renderResults(base)).toContain('Ours runs first in scenarios 1 and 5, Hive Gateway first in 2, each after its own calibration and warm-up.');
  });
});
