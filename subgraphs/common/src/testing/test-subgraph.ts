import type { Config } from '../config';
import { startSubgraph } from '../subgraph';
import type { RunningSubgraph, SubgraphDefinition } from '../subgraph';
import { createTestConfig } from './test-database';

export interface TestSubgraph<Services> extends RunningSubgraph<Services> {
  config: Config;
  /** Stops the server and drops its database. */
  close: () => Promise<void>;
}

/** Starts a subgraph on a free loopback port with fresh, migrated databases. */
export async function startTestSubgraph<Services, Loaders>(
  definition: SubgraphDefinition<Services, Loaders>,
  overrides: Record<string, string> = {},
): Promise<TestSubgraph<Services>> {
  const { config, cleanup } = createTestConfig(overrides);
  const running = await startSubgraph(definition, config, { port: 0, migrate: true });
  return {
    ...running,
    config,
    close: async () => {
      await running.stop();
      await cleanup();
    },
  };
}
