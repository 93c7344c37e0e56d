import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUBGRAPH_NAMES, loadConfig } from '../config';
import type { Config } from '../config';
import { dropDatabase } from '../data-source';

/** MariaDB when DATABASE_URL (mysql://) is set, else embedded SQLite in a temporary folder. */
export function testDatabaseKind(): 'mysql' | 'sqlite' {
  return process.env.DATABASE_URL ? 'mysql' : 'sqlite';
}

export interface TestConfig {
  config: Config;
  /** Drops the databases (MariaDB) or deletes the files (SQLite) made for this test. */
  cleanup: () => Promise<void>;
}

/**
 * A configuration with databases of its own, so test files running in parallel never share rows.
 * Everything else comes from the environment like in production, with quiet logs.
 */
export function createTestConfig(overrides: Record<string, string> = {}): TestConfig {
  const prefix = `t${randomBytes(4).toString('hex')}_`;
  const dataDir = testDatabaseKind() === 'sqlite' ? mkdtempSync(join(tmpdir(), 'guthaben-test-')) : undefined;
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_NAME_PREFIX: prefix,
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
    SHUTDOWN_GRACE_MS: '2000',
    ...overrides,
  });
  return {
    config,
    cleanup: async () => {
      if (dataDir) {
        rmSync(dataDir, { recursive: true, force: true });
        return;
      }
      for (const name of SUBGRAPH_NAMES) await dropDatabase(config.databases[name]);
    },
  };
}
