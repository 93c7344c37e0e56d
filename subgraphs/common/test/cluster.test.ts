import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { policiesSubgraph } from '../../policies/src/policies.subgraph';
import { openSubgraphDataSource } from '../src/subgraph';
import { freePorts } from '../src/testing/free-ports';
import { createTestConfig, testDatabaseKind } from '../src/testing/test-database';
import type { TestConfig } from '../src/testing/test-database';

const root = join(__dirname, '..', '..', '..');
const register = join(root, 'subgraphs', 'common', 'src', 'testing', 'transpile-register.js');

/** GET /health on a fresh connection each time, so the primary hands it to the next worker. */
function healthPid(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body) as { pid: number }).pid : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function collectPids(port: number, want: number, deadlineMs: number, exclude = new Set<number>()): Promise<Set<number>> {
  const pids = new Set<number>();
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 0; attempt < 2000 && Date.now() < deadline && pids.size < want; attempt += 1) {
    const pid = await healthPid(port);
    if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
    else if (!exclude.has(pid)) pids.add(pid);
  }
  return pids;
}

function exitOf(child: ChildProcess, deadlineMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('timeout');
    }, deadlineMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? 'unknown');
    });
  });
}

function start(entry: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['-r', register, join(root, entry)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', SHUTDOWN_GRACE_MS: '2000', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

describe('WORKERS (node:cluster)', () => {
  let child: ChildProcess | undefined;
  let database: TestConfig | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exitOf(child, 5000);
    }
    child = undefined;
    await database?.cleanup();
    database = undefined;
  });

  it('runs the gateway on two workers sharing one port, replaces a dead worker, stops cleanly on SIGTERM', async () => {
    const [port] = await freePorts(1);
    child = start('gateway/src/server.ts', { WORKERS: '2', GATEWAY_PORT: String(port) });
    const first = await collectPids(port!, 2, 60_000);
    expect(first.size).toBe(2);
    expect(first.has(child.pid!)).toBe(false);

    const [victim] = [...first];
    process.kill(victim!, 'SIGKILL');
    const replacement = await collectPids(port!, 1, 60_000, first);
    expect(replacement.size).toBe(1);

    child.kill('SIGTERM');
    expect(await exitOf(child, 20_000)).toBe(0);
  }, 150_000);

  it('runs a subgraph on two workers on MariaDB (one process on embedded SQLite) and stops cleanly', async () => {
    database = createTestConfig();
    const dataSource = await openSubgraphDataSource(policiesSubgraph, database.config);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
    const [port] = await freePorts(1);
    const expected = testDatabaseKind() === 'mysql' ? 2 : 1;
    child = start('subgraphs/policies/src/server.ts', {
      WORKERS: '2',
      POLICIES_PORT: String(port),
      DATABASE_NAME_PREFIX: database.config.databases.policies.database.replace(/policies$/, ''),
      ...(testDatabaseKind() === 'sqlite' ? { DATA_DIR: database.config.databases.policies.location.replace(/\/[^/]+$/, '') } : {}),
    });
    const pids = await collectPids(port!, 2, expected === 2 ? 60_000 : 20_000);
    expect(pids.size).toBe(expected);

    child.kill('SIGTERM');
    expect(await exitOf(child, 20_000)).toBe(0);
  }, 150_000);
});
