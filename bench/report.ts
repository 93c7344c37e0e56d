export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  operations: number;
  /** CPU time (user + system) each process spent per operation during the load, in ms. */
  cpuMsPerOp?: Record<string, number>;
  /** The system (kernel) part of it: sockets and other system calls. */
  sysMsPerOp?: Record<string, number>;
  /** Share of all cores busy outside the bench's processes during the load (other processes, kernel threads, interrupts). */
  restShare?: number;
  /** Share of all cores the hypervisor gave to other guests during the load. */
  stealShare?: number;
}

export interface ScenarioCalibration {
  subgraphRequestsPerOp: number;
  sqlPerOp: number;
  /** Only where performance_schema tells the statements apart by database. */
  sqlPerOpBySubgraph?: Record<string, number>;
  failed: number;
}

/** How SQL statements were counted: per database (performance_schema) or over the whole server. */
export type SqlMethod = 'performance_schema' | 'questions';

/** One run of the scenario set on processes that were not restarted since the run before. */
export interface MemoryRun {
  run: number;
  durationS: number;
  /** Bytes, per service, right after the run (`ps`). */
  rss: Record<string, number>;
  /** RSS and V8 heap used, bytes, per process after a full GC through the inspector (WORKERS=1). */
  afterGc?: Record<string, { rss: number; heapUsed: number }>;
  operations: number;
  errors: number;
  requestsPerSecond: Record<string, number>;
}

export interface PassResult {
  workers: number;
  results: Record<string, LoadResult>;
  /** The gateway scenarios through Hive Gateway (one process) on the same subgraphs. */
  hive?: Record<string, LoadResult>;
  /** Bytes, per service (primary and its workers), after the (first) run. */
  rss: Record<string, number>;
  /** Where the scenario set ran more than once on the same processes. */
  memoryRuns?: MemoryRun[];
  /** Ratios measured in alternating short slices of the two sides (see interleavedRatio in bench.ts), keyed by our scenario. */
  pairs?: Record<string, InterleavedRatio>;
}

export interface InterleavedRatio {
  /** The limit it is compared with (a scenario key). */
  limit: string;
  sliceS: number;
  /** Operations per second over all slices of each side. */
  ours: number;
  theirs: number;
  /** Ours / limit of each pair of neighbouring slices, in order. */
  sliceRatios: number[];
  /** Failed operations over all slices of both sides (any makes the ratio void). */
  errors: number;
}

export interface BenchReport {
  machine: { cpu: string; cores: number; memoryGiB: number; node: string };
  accounts: number;
  durationS: number;
  /** Seconds of unmeasured load before each measured one (0: none). */
  warmupS?: number;
  connections: number;
  /**
   * `withoutServices`: a limit the bench runs itself against MariaDB, which no service worker count touches.
   * `hiveFirst`: Hive Gateway's load of this scenario ran before ours.
   */
  scenarios: { key: string; title: string; viaGateway?: boolean; withoutServices?: boolean; hiveFirst?: boolean }[];
  passes: PassResult[];
  calibration: Record<string, ScenarioCalibration>;
  dashboardSql: Record<number, number>;
  credits?: { landed: number; expected: number; seconds: number };
  sqlMethod: SqlMethod;
  /** Largest RSS growth from the second-to-last to the last memory run that counts as flat. */
  memoryTolerance: number;
  /** Idle seconds after each memory run before the forced GC. */
  settleS: number;
  hiveVersion?: string;
}

const fixed = (value: number | undefined, digits = 0): string => (value === undefined ? '–' : value.toFixed(digits));
const mib = (bytes: number | undefined): string => (bytes === undefined ? '–' : `${(bytes / 2 ** 20).toFixed(0)} MiB`);
const share = (value: number): string => `${(value * 100).toFixed(0)}%`;
const ratio = (a?: number, b?: number): string => (a && b ? `${((a / b) * 100).toFixed(0)}%` : '–');
const percent = (value: number): string => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;

export interface MemoryGrowth {
  service: string;
  /** Relative growth from the second-to-last run to the last: RSS (after GC where measured so) and V8 heap used after GC. */
  rss: number;
  heap?: number;
  flat: boolean;
}

const rssOf = (run: MemoryRun, service: string): number | undefined => run.afterGc?.[service]?.rss ?? run.rss[service];

/** Growth of every process from the second-to-last run to the last; flat when RSS and heap both stay within tolerance. */
export function memoryVerdict(runs: readonly MemoryRun[], tolerance: number): MemoryGrowth[] {
  const last = runs[runs.length - 1];
  const before = runs[runs.length - 2];
  if (!last || !before) return [];
  const growth = (now: number | undefined, then: number | undefined): number | undefined =>
    now === undefined || then === undefined ? undefined : (now - then) / Math.max(1, then);
  return Object.keys(last.rss).map((service) => {
    const rss = growth(rssOf(last, service), rssOf(before, service)) ?? 0;
    const heap = growth(last.afterGc?.[service]?.heapUsed, before.afterGc?.[service]?.heapUsed);
    return { service, rss, ...(heap === undefined ? {} : { heap }), flat: rss <= tolerance && (heap ?? 0) <= tolerance };
  });
}

/** bench/RESULTS.md: the machine, one table per worker count, Hive, memory, ratios, and the per-operation costs. */
export function renderResults(report: BenchReport): string {
  const { machine } = report;
  const bySubgraph = report.sqlMethod === 'performance_schema';
  const lines = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (do not edit by hand). Stack in production mode on MariaDB, load over',
    'real HTTP on 127.0.0.1, one token per request (rotating pools of 20,000 distinct tokens).',
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}`,
    `- Data set: ${report.accounts} accounts over all brands with ledger history, top-ups and payouts`,
    `- Each scenario: ${report.durationS} s at ${report.connections} concurrent connections${report.warmupS ? `, measured after ${report.warmupS} s of the same load unmeasured (warm-up, through the same gateway or path)` : ''}`,
    '',
  ];
  const busy = busyMachineLoads(report);
  if (busy.length > 0) {
    lines.push(
      `**Warning: the machine was busy outside the benchmark** (at least ${cpuShare(REST_WARNING_SHARE)} of all cores) during ${busy.join(', ')}. Those figures are not comparable with the others; run again on a quiet machine.`,
      '',
    );
  }
  const sqlCells = (c: ScenarioCalibration | undefined): string =>
    bySubgraph
      ? `${fixed(c?.sqlPerOp, 1)} | ${c?.sqlPerOpBySubgraph ? Object.entries(c.sqlPerOpBySubgraph).map(([name, sql]) => `${name} ${sql.toFixed(1)}`).join(', ') : '–'}`
      : fixed(c?.sqlPerOp, 1);
  for (const pass of report.passes) {
    lines.push(
      `## WORKERS=${pass.workers}`,
      '',
      `| scenario | ops/s | p50 ms | p99 ms | errors | subgraph requests/op | SQL statements/op |${bySubgraph ? ' by subgraph database |' : ''}`,
      `|---|---:|---:|---:|---:|---:|---:|${bySubgraph ? '---|' : ''}`,
    );
    for (const { key, title } of report.scenarios) {
      const r = pass.results[key];
      const c = report.calibration[key];
      lines.push(
        `| ${title} | ${fixed(r?.requestsPerSecond)} | ${fixed(r?.p50, 1)} | ${fixed(r?.p99, 1)} | ${r ? `${r.errors}/${r.operations}` : '–'} | ${fixed(c?.subgraphRequestsPerOp, 1)} | ${sqlCells(c)} |`,
      );
    }
    lines.push('', `RSS after the ${pass.memoryRuns ? 'first run' : 'run'}: ${Object.entries(pass.rss).map(([name, bytes]) => `${name} ${mib(bytes)}`).join(', ')}`, '');
  }
  lines.push(...cpuSection(report));
  const hivePass = report.passes.find((pass) => pass.hive);
  if (hivePass?.hive) {
    const hive = hivePass.hive;
    lines.push(
      `## Our gateway vs. Hive Gateway (WORKERS=${hivePass.workers}, same subgraphs)`,
      '',
      `Same run, same subgraph processes, scenario by scenario, Hive Gateway${report.hiveVersion ? ` (\`@graphql-hive/gateway-runtime\` ${report.hiveVersion})` : ''} in one process. ${firstThrough(report)}, each after its own calibration and warm-up.`,
      '',
      '| scenario | ours ops/s | Hive ops/s | ours vs. Hive | ours p50 / p99 ms | Hive p50 / p99 ms | Hive errors | subgraph requests/op ours / Hive | SQL statements/op ours / Hive |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const { key, title, viaGateway } of report.scenarios) {
      if (!viaGateway) continue;
      const ours = hivePass.results[key];
      const theirs = hive[key];
      const c = report.calibration[key];
      const h = report.calibration[`${key}-hive`];
      lines.push(
        `| ${title} | ${fixed(ours?.requestsPerSecond)} | ${fixed(theirs?.requestsPerSecond)} | ${ratio(ours?.requestsPerSecond, theirs?.requestsPerSecond)} | ${fixed(ours?.p50, 1)} / ${fixed(ours?.p99, 1)} | ${fixed(theirs?.p50, 1)} / ${fixed(theirs?.p99, 1)} | ${theirs ? `${theirs.errors}/${theirs.operations}` : '–'} | ${fixed(c?.subgraphRequestsPerOp, 1)} / ${fixed(h?.subgraphRequestsPerOp, 1)} | ${fixed(c?.sqlPerOp, 1)} / ${fixed(h?.sqlPerOp, 1)} |`,
      );
    }
    lines.push(
      '',
      'Hive Gateway runs from `bench/hive-gateway.ts` on `node:http` with the committed `schema/supergraph.graphql`, the',
      'subgraph URLs overridden to the bench ports, no usage reporting, CDN, GraphiQL or landing page. It does the same auth',
      'work as ours: it verifies the client\'s JWT with our verifier (`gateway/src/jwt.ts`) and sends every subgraph the',
      'principal header signed once per request (`propagateHeaders.fromClientToSubgraphs`); the subgraphs refuse a request',
      'without it, and any response with `errors` counts as an error. What it does not do that ours does: query depth, cost and',
      'alias limits, the operation safelist, rate limiting, CORS, the audit log, Prometheus metrics and trace spans.',
      '',
    );
  }
  const memoryPass = report.passes.find((pass) => pass.memoryRuns);
  if (memoryPass?.memoryRuns) {
    const runs = memoryPass.memoryRuns;
    const verdict = memoryVerdict(runs, report.memoryTolerance);
    const last = runs[runs.length - 1]!;
    const before = runs[runs.length - 2]!;
    const afterGc = runs.every((run) => run.afterGc);
    const heap = (run: MemoryRun, service: string): string => mib(run.afterGc?.[service]?.heapUsed);
    const rssLabel = afterGc ? 'RSS after GC' : 'RSS';
    lines.push(
      `## Memory across ${runs.length} runs on the same processes (WORKERS=${memoryPass.workers})`,
      '',
      `The scenario set ran ${runs.length} times without restarting any process: run 1 is the measured run above with its calibration,`,
      `${runs.slice(1).map((run) => `run ${run.run}`).join(' and ')} ${runs.length > 2 ? 'repeat' : 'repeats'} the load (${last.durationS} s per scenario, through ours and Hive Gateway).`,
      afterGc
        ? `${report.settleS} s after each run every process ran a full garbage collection (\`HeapProfiler.collectGarbage\` through \`--inspect\` on a free loopback port), then reported \`process.memoryUsage()\`.`
        : 'RSS of every process right after each run (`ps`).',
      '',
      `| process | ${runs.map((run) => `${rssLabel}, run ${run.run}`).join(' | ')} | RSS run ${before.run} → ${last.run} |${afterGc ? ` ${runs.map((run) => `heap used after GC, run ${run.run}`).join(' | ')} | heap run ${before.run} → ${last.run} |` : ''} flat (≤ ${share(report.memoryTolerance)}) |`,
      `|---|${runs.map(() => '---:|').join('')}---:|${afterGc ? `${runs.map(() => '---:|').join('')}---:|` : ''}:---:|`,
    );
    for (const growth of verdict) {
      const service = growth.service;
      lines.push(
        `| ${service} | ${runs.map((run) => mib(rssOf(run, service))).join(' | ')} | ${percent(growth.rss)} |${afterGc ? ` ${runs.map((run) => heap(run, service)).join(' | ')} | ${growth.heap === undefined ? '–' : percent(growth.heap)} |` : ''} ${growth.flat ? 'yes' : '**no**'} |`,
      );
    }
    lines.push(`| operations (errors) | ${runs.map((run) => `${run.operations} (${run.errors})`).join(' | ')} | |${afterGc ? `${runs.map(() => ' |').join('')} |` : ''} |`, '');
    const grown = verdict.filter(({ flat }) => !flat);
    lines.push(
      grown.length === 0
        ? `Verdict: no memory growth. Every process stayed within ${share(report.memoryTolerance)} from run ${before.run} to run ${last.run}.`
        : `Verdict: memory grew beyond ${share(report.memoryTolerance)} from run ${before.run} to run ${last.run} in ${grown
            .map(({ service, rss, heap: heapGrowth }) => `${service} (RSS ${percent(rss)}${heapGrowth === undefined ? '' : `, heap ${percent(heapGrowth)}`})`)
            .join(', ')}.`,
      '',
      `Why run ${before.run} → ${last.run} and ${share(report.memoryTolerance)}: run 1 includes the warm-up (JIT code, connection pools, query-plan and`,
      'document caches filling up), so growth up to run 2 says little. After that a leak grows with every request, so equal runs',
      'add about the same each time, while a healthy process stays flat up to noise.',
      afterGc
        ? 'The forced GC takes away most of that noise (without it, heap and RSS depend on when V8 last ran a major collection); what is left is RSS that V8 and malloc return to the system lazily and bounded caches still filling.'
        : 'Without a forced GC, heap and RSS depend on when V8 last ran a major collection, by tens of percent; read a failed verdict with that in mind.',
      `${share(report.memoryTolerance)} is above that noise and still catches a leak of ${leakBound(verdict, last, report.memoryTolerance)}.`,
      '',
    );
  }
  const last = report.passes[report.passes.length - 1];
  const first = report.passes[0];
  lines.push('## Ratios', '');
  // Side by side within each pass: the limit and our path ran on the same processes, minutes apart.
  const perPass = (ours: string, limit: string): string =>
    report.passes
      .map((pass) => {
        const pair = pass.pairs?.[ours];
        // Alternating slices see the same machine: that ratio counts; the two 10 s runs are shown beside it.
        if (!pair) return `WORKERS=${pass.workers}: ${ratio(pass.results[ours]?.requestsPerSecond, pass.results[limit]?.requestsPerSecond)}`;
        const sorted = [...pair.sliceRatios].sort((a, b) => a - b);
        if (pair.errors > 0) return `WORKERS=${pass.workers}: void (${pair.errors} failed operations in the alternating slices)`;
        return `WORKERS=${pass.workers}: ${ratio(pair.ours, pair.theirs)} (${pair.sliceRatios.length} alternating ${pair.sliceS} s slices each, slice pairs ${share(sorted[0] ?? 0)}–${share(sorted[sorted.length - 1] ?? 0)}; the two runs above: ${ratio(pass.results[ours]?.requestsPerSecond, pass.results[limit]?.requestsPerSecond)})`;
      })
      .join('; ');
  if (last) {
    lines.push(
      `- Gateway vs. straight to the subgraph, same single-subgraph query (target ≥ 60%): ${perPass('s5', 's5d')}`,
      `- Charging through the gateway vs. the same SQL straight through mysql2 (target ≥ 30%): ${perPass('s3', 's3d')}`,
    );
  }
  if (hivePass?.hive) {
    for (const { key, title, viaGateway } of report.scenarios) {
      if (viaGateway) lines.push(`- ${title}: our gateway (WORKERS=${hivePass.workers}) vs. Hive Gateway (one process): ${ratio(hivePass.results[key]?.requestsPerSecond, hivePass.hive[key]?.requestsPerSecond)}`);
    }
  }
  if (first) {
    for (const pass of report.passes.slice(1)) lines.push(...workerRatios(report, first, pass));
  }
  const sizes = Object.entries(report.dashboardSql);
  if (sizes.length > 0) {
    lines.push(`- Dashboard SQL statements per operation by page size (constant means no N+1): ${sizes.map(([size, sql]) => `${size}: ${sql.toFixed(1)}`).join(', ')}`);
    lines.push(
      `- Dashboard subgraph requests per operation by page size: ${[10, 50].map((size) => `${size}: ${fixed(report.calibration[`s2-${size}`]?.subgraphRequestsPerOp, 1)}`).join(', ')}`,
    );
  }
  if (report.credits) {
    lines.push(`- Top-up credits landed in the ledger: ${report.credits.landed}/${report.credits.expected} paid orders, ${report.credits.seconds.toFixed(1)} s after the last run`);
  }
  lines.push(
    '',
    'Subgraph requests and SQL statements per operation come from a sequential calibration with',
    'WORKERS=1 (`guthaben_graphql_operations_total` summed over the subgraphs\' `/metrics`) and the SQL statements run',
    'meanwhile minus the idle rate of the background jobs (the quieter of two 2 s windows before and after).',
    bySubgraph
      ? 'SQL statements: `performance_schema.events_statements_summary_by_digest`, truncated before each window and grouped by `SCHEMA_NAME`, i.e. per subgraph database.'
      : 'SQL statements: MariaDB\'s global `Questions` before and after, over all databases: `SELECT @@performance_schema` is 0 on this server (it only turns on with a restart), so they are not split per subgraph database, and any other client of the server during the calibration skews them (a window it makes busier than the idle one reads as 0). For fast operations the noise of the background jobs is about ±1 statement per operation.',
    '',
  );
  return lines.join('\n');
}

/** The smallest leak per operation that the memory tolerance would have caught, for the smallest process. */
function leakBound(verdict: { service: string }[], last: MemoryRun, tolerance: number): string {
  const smallest = Math.min(...verdict.map(({ service }) => rssOf(last, service) ?? Infinity));
  if (!Number.isFinite(smallest) || last.operations === 0) return `${share(tolerance)} of the process size per run`;
  const bytes = (smallest * tolerance) / last.operations;
  return `${bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes.toFixed(0)} bytes`} per operation (${share(tolerance)} of the smallest process, ${mib(smallest * tolerance)}, over the ${last.operations} operations of the last run)`;
}

/** Horizontal bars: operations per second per scenario, one bar per worker count, and Hive Gateway's. */
export function renderChart(report: BenchReport): string {
  const colors = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759'];
  const hiveColor = '#b07aa1';
  const rowHeight = 18;
  const labelWidth = 290;
  const barWidth = 420;
  const hivePass = report.passes.find((pass) => pass.hive);
  const hiveValue = (key: string): number | undefined => hivePass?.hive?.[key]?.requestsPerSecond;
  const max = Math.max(
    1,
    ...report.passes.flatMap((pass) => [...Object.values(pass.results), ...Object.values(pass.hive ?? {})].map((r) => r.requestsPerSecond)),
  );
  const parts: string[] = [];
  let y = 44;
  const bar = (value: number, color: string): void => {
    const width = Math.round((value / max) * barWidth);
    parts.push(`<rect x="${labelWidth}" y="${y}" width="${width}" height="${rowHeight - 4}" fill="${color}"/>`);
    parts.push(`<text x="${labelWidth + width + 4}" y="${y + 11}" font-size="11">${value.toFixed(0)}</text>`);
    y += rowHeight;
  };
  for (const { key, title, viaGateway } of report.scenarios) {
    parts.push(`<text x="4" y="${y + 12}" font-size="12">${escapeXml(title)}</text>`);
    report.passes.forEach((pass, index) => bar(pass.results[key]?.requestsPerSecond ?? 0, colors[index % colors.length]!));
    const hive = hiveValue(key);
    if (viaGateway && hive !== undefined) bar(hive, hiveColor);
    y += 8;
  }
  const legendItems = report.passes.map((pass, index) => ({ label: `ours, WORKERS=${pass.workers}`, color: colors[index % colors.length]! }));
  if (hivePass) legendItems.push({ label: 'Hive Gateway (1 process)', color: hiveColor });
  let legendX = labelWidth;
  const legend = legendItems
    .map(({ label, color }) => {
      const item = `<rect x="${legendX}" y="24" width="10" height="10" fill="${color}"/><text x="${legendX + 14}" y="33" font-size="11">${escapeXml(label)}</text>`;
      legendX += 28 + label.length * 7.5;
      return item;
    })
    .join('');
  const height = y + 10;
  const width = Math.max(labelWidth + barWidth + 60, Math.ceil(legendX));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<text x="4" y="15" font-size="13" font-weight="bold">Operations per second (${escapeXml(report.machine.cpu)}, ${report.machine.cores} cores)</text>
${legend}
${parts.join('\n')}
</svg>
`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Every load with `pass.workers` workers per service against the same load with `base.workers`, and which grew. */
function workerRatios(report: BenchReport, base: PassResult, pass: PassResult): string[] {
  const cores = report.machine.cores;
  const against = `WORKERS=${pass.workers} vs WORKERS=${base.workers}`;
  const lines: string[] = [];
  const loads: { title: string; growth: number; busy: number; cpuGrowth: number }[] = [];
  for (const { key, title, withoutServices } of report.scenarios) {
    const before = base.results[key];
    const after = pass.results[key];
    if (withoutServices) {
      // Same load, no service involved: how far the machine itself drifted between the passes.
      lines.push(`- ${title}, ${against} (no service, so no workers involved: the machine's own drift between the passes): ${ratio(after?.requestsPerSecond, before?.requestsPerSecond)}`);
      continue;
    }
    const busy = coresBusy(before);
    const cpuBefore = cpuPerOp(before);
    const cpuAfter = cpuPerOp(after);
    let context = '';
    if (before && after && busy !== undefined && cpuBefore && cpuAfter) {
      const cpuGrowth = cpuAfter / cpuBefore - 1;
      loads.push({ title, growth: after.requestsPerSecond / Math.max(1e-9, before.requestsPerSecond), busy, cpuGrowth });
      context = ` (WORKERS=${base.workers} kept ${fixed(busy, 2)} of ${cores} cores busy; CPU per operation at WORKERS=${pass.workers}: ${percent(cpuGrowth)})`;
    }
    lines.push(`- ${title}: ${against}: ${ratio(after?.requestsPerSecond, before?.requestsPerSecond)}${context}`);
  }
  if (loads.length === 0) return lines;
  const grew = loads.filter(({ growth }) => growth > 1);
  const flat = loads.filter(({ growth }) => growth <= 1);
  const range = (values: number[], format: (value: number) => string): string => `${format(Math.min(...values))} to ${format(Math.max(...values))}`;
  const twoDigits = (value: number): string => fixed(value, 2);
  lines.push(
    `- Workers add throughput only where WORKERS=${base.workers} leaves cores idle. ` +
      (grew.length > 0
        ? `Grew with WORKERS=${pass.workers}: ${grew.map(({ title, growth, busy }) => `${title} (${share(growth)}; ${twoDigits(busy)} of ${cores} cores busy at WORKERS=${base.workers})`).join(', ')}. `
        : `None grew with WORKERS=${pass.workers}. `) +
      (flat.length > 0
        ? `Did not grow: ${flat.length} load(s) that kept ${range(flat.map(({ busy }) => busy), twoDigits)} of ${cores} cores busy at WORKERS=${base.workers}, where WORKERS=${pass.workers} made each operation cost ${range(flat.map(({ cpuGrowth }) => cpuGrowth), percent)} CPU.`
        : ''),
  );
  return lines;
}

/** Which gateway ran each scenario first, by the scenarios' numbers ("1 self-service read" is 1). */
function firstThrough(report: BenchReport): string {
  const viaGateway = report.scenarios.filter((scenario) => scenario.viaGateway);
  const numbers = (scenarios: typeof viaGateway): string => {
    const all = scenarios.map(({ title }) => title.split(' ', 1)[0]);
    return all.length > 1 ? `${all.slice(0, -1).join(', ')} and ${all[all.length - 1]}` : all.join('');
  };
  const hiveFirst = viaGateway.filter((scenario) => scenario.hiveFirst);
  const oursFirst = viaGateway.filter((scenario) => !scenario.hiveFirst);
  if (hiveFirst.length === 0) return 'Ours runs first in every scenario';
  if (oursFirst.length === 0) return 'Hive Gateway runs first in every scenario';
  return `Ours runs first in scenarios ${numbers(oursFirst)}, Hive Gateway first in ${numbers(hiveFirst)}`;
}

/** A load during which this much of the machine was busy elsewhere is called out: its figures are not comparable. */
export const REST_WARNING_SHARE = 0.15;

const cpuShare = (value: number | undefined): string => (value === undefined ? '–' : share(value));

/** Loads of the report during which the rest of the machine was busy (a stray process, another tenant). */
function busyMachineLoads(report: BenchReport): string[] {
  const busy: string[] = [];
  for (const pass of report.passes) {
    for (const [key, result] of [...Object.entries(pass.results), ...Object.entries(pass.hive ?? {}).map(([k, r]) => [`${k} [Hive]`, r] as const)]) {
      if ((result.restShare ?? 0) >= REST_WARNING_SHARE) busy.push(`${key} (WORKERS=${pass.workers}): ${cpuShare(result.restShare)}`);
    }
  }
  return busy;
}

const CPU_COLUMNS = ['gateway', 'hive', 'accounts', 'payments', 'policies', 'refunds', 'mariadb', 'bench'];

/** CPU time of all processes per operation of a load, in ms. */
function cpuPerOp(result: LoadResult | undefined): number | undefined {
  return result?.cpuMsPerOp ? Object.values(result.cpuMsPerOp).reduce((sum, ms) => sum + ms, 0) : undefined;
}

/** CPU time a load kept busy, in cores: CPU per operation of every process times operations per second. */
export function coresBusy(result: LoadResult | undefined): number | undefined {
  const msPerOp = cpuPerOp(result);
  return msPerOp === undefined ? undefined : (msPerOp * result!.requestsPerSecond) / 1000;
}

/**
 * CPU time per operation of every process, per scenario and path, for every worker count:
 * throughput on a shared machine moves with its neighbours, CPU per operation much less, and it
 * shows which process a path costs and what more processes per service cost per operation.
 */
function cpuSection(report: BenchReport): string[] {
  const passes = report.passes.filter((pass) => Object.values(pass.results).some((result) => result.cpuMsPerOp));
  if (passes.length === 0) return [];
  const lines = [
    `## CPU per operation (ms of user + system time)`,
    '',
    'Read from `/proc/<pid>/stat` of every process (workers included) before and after each load; `bench` is the load',
    'generator (and the direct mysql2 client), `mariadb` the local database server, which also serves the background jobs',
    'and anything else on the machine. All processes share the same cores, so a path is bound by the sum.',
    `\`cores busy\` is that sum times the operations per second: how much of the machine's ${report.machine.cores} cores the load kept busy.`,
    '`rest` is the share of all cores that was busy outside these processes during the load (other processes, kernel',
    'threads, interrupts; from `/proc/stat`), `stolen` the share the hypervisor ran other guests: a quiet machine keeps',
    `both low, and a run where the rest reached ${cpuShare(REST_WARNING_SHARE)} is flagged at the top.`,
    '',
  ];
  for (const pass of passes) {
    const rows: [string, LoadResult][] = [];
    for (const { key, title, viaGateway } of report.scenarios) {
      const ours = pass.results[key];
      if (ours?.cpuMsPerOp) rows.push([title, ours]);
      const theirs = viaGateway ? pass.hive?.[key] : undefined;
      if (theirs?.cpuMsPerOp) rows.push([`${title} [Hive]`, theirs]);
    }
    const columns = CPU_COLUMNS.filter((name) => rows.some(([, result]) => (result.cpuMsPerOp?.[name] ?? 0) >= 0.005));
    const cell = (result: LoadResult, name: string): string => {
      const ms = result.cpuMsPerOp?.[name];
      return ms === undefined || ms < 0.005 ? '–' : ms.toFixed(2);
    };
    lines.push(
      `### WORKERS=${pass.workers}`,
      '',
      `| scenario | ${columns.join(' | ')} | sum | cores busy | rest | stolen |`,
      `|---|${columns.map(() => '---:|').join('')}---:|---:|---:|---:|`,
      ...rows.map(
        ([title, result]) =>
          `| ${title} | ${columns.map((name) => cell(result, name)).join(' | ')} | ${fixed(cpuPerOp(result), 2)} | ${fixed(coresBusy(result), 2)} | ${cpuShare(result.restShare)} | ${cpuShare(result.stealShare)} |`,
      ),
      '',
    );
  }
  return lines;
}
