export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  operations: number;
}

export interface ScenarioCalibration {
  subgraphRequestsPerOp: number;
  sqlPerOp: number;
  failed: number;
}

export interface PassResult {
  workers: number;
  results: Record<string, LoadResult>;
  /** Bytes, per service (primary and its workers). */
  rss: Record<string, number>;
}

export interface BenchReport {
  machine: { cpu: string; cores: number; memoryGiB: number; node: string };
  accounts: number;
  durationS: number;
  connections: number;
  scenarios: { key: string; title: string }[];
  passes: PassResult[];
  calibration: Record<string, ScenarioCalibration>;
  dashboardSql: Record<number, number>;
  credits?: { landed: number; expected: number; seconds: number };
}

const fixed = (value: number | undefined, digits = 0): string => (value === undefined ? '–' : value.toFixed(digits));

/** bench/RESULTS.md: the machine, one table per worker count, ratios, and the per-operation costs. */
export function renderResults(report: BenchReport): string {
  const { machine } = report;
  const lines = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (do not edit by hand). Stack in production mode on MariaDB, load over',
    'real HTTP on 127.0.0.1, one token per request (rotating pools of 20,000 distinct tokens).',
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}`,
    `- Data set: ${report.accounts} accounts over all brands with ledger history, top-ups and payouts`,
    `- Each scenario: ${report.durationS} s at ${report.connections} concurrent connections`,
    '',
  ];
  for (const pass of report.passes) {
    lines.push(`## WORKERS=${pass.workers}`, '', '| scenario | ops/s | p50 ms | p99 ms | errors | subgraph requests/op | SQL statements/op |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const { key, title } of report.scenarios) {
      const r = pass.results[key];
      const c = report.calibration[key];
      lines.push(
        `| ${title} | ${fixed(r?.requestsPerSecond)} | ${fixed(r?.p50, 1)} | ${fixed(r?.p99, 1)} | ${r ? `${r.errors}/${r.operations}` : '–'} | ${fixed(c?.subgraphRequestsPerOp, 1)} | ${fixed(c?.sqlPerOp, 1)} |`,
      );
    }
    lines.push('', `RSS after the run: ${Object.entries(pass.rss).map(([name, bytes]) => `${name} ${(bytes / 2 ** 20).toFixed(0)} MiB`).join(', ')}`, '');
  }
  const last = report.passes[report.passes.length - 1];
  const first = report.passes[0];
  const ratio = (a?: number, b?: number): string => (a && b ? `${((a / b) * 100).toFixed(0)}%` : '–');
  lines.push('## Ratios', '');
  if (last) {
    lines.push(
      `- Gateway vs. straight to the subgraph, same single-subgraph query (target ≥ 60%): ${ratio(last.results.s5?.requestsPerSecond, last.results.s5d?.requestsPerSecond)}`,
    );
  }
  if (last) {
    lines.push(
      `- Charging through the gateway vs. the same SQL straight through mysql2 (target ≥ 30%): ${ratio(last.results.s3?.requestsPerSecond, last.results.s3d?.requestsPerSecond)}`,
    );
  }
  if (first && last && first !== last) {
    for (const { key, title } of report.scenarios) {
      lines.push(`- ${title}: WORKERS=${last.workers} vs WORKERS=${first.workers}: ${ratio(last.results[key]?.requestsPerSecond, first.results[key]?.requestsPerSecond)}`);
    }
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
    'WORKERS=1 (`guthaben_graphql_operations_total` summed over the subgraphs\' `/metrics`; MariaDB',
    '`Questions` before and after, minus the idle rate of the background jobs, the quieter of two windows before and after; for fast operations the noise of the background jobs is about ±1 statement per operation).',
    'Not yet compared: Hive Gateway (issue 8).',
    '',
  );
  return lines.join('\n');
}

/** Horizontal bars: operations per second per scenario, one bar per worker count. */
export function renderChart(report: BenchReport): string {
  const colors = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759'];
  const rowHeight = 18;
  const labelWidth = 290;
  const barWidth = 420;
  const max = Math.max(1, ...report.passes.flatMap((pass) => Object.values(pass.results).map((r) => r.requestsPerSecond)));
  const parts: string[] = [];
  let y = 44;
  for (const { key, title } of report.scenarios) {
    parts.push(`<text x="4" y="${y + 12}" font-size="12">${escapeXml(title)}</text>`);
    report.passes.forEach((pass, index) => {
      const value = pass.results[key]?.requestsPerSecond ?? 0;
      const width = Math.round((value / max) * barWidth);
      parts.push(`<rect x="${labelWidth}" y="${y}" width="${width}" height="${rowHeight - 4}" fill="${colors[index % colors.length]}"/>`);
      parts.push(`<text x="${labelWidth + width + 4}" y="${y + 11}" font-size="11">${value.toFixed(0)}</text>`);
      y += rowHeight;
    });
    y += 8;
  }
  const legend = report.passes
    .map((pass, index) => `<rect x="${labelWidth + index * 110}" y="24" width="10" height="10" fill="${colors[index % colors.length]}"/><text x="${labelWidth + 14 + index * 110}" y="33" font-size="11">WORKERS=${pass.workers}</text>`)
    .join('');
  const height = y + 10;
  const width = labelWidth + barWidth + 60;
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
