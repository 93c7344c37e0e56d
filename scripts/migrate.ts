import 'reflect-metadata';
import { config } from '../subgraphs/common/src/config';
import { createLogger } from '../subgraphs/common/src/logger';
import { ServiceMetrics } from '../subgraphs/common/src/metrics';
import { openSubgraphDataSource } from '../subgraphs/common/src/subgraph';
import { SUBGRAPHS } from '../subgraphs/registry';

/**
 * Applies pending migrations of every subgraph (or those named as arguments). With --seed, also
 * loads the demo data when configuration asks for it (the embedded default does).
 */
async function main(): Promise<void> {
  const settings = config();
  const logger = createLogger('migrate', settings.logLevel);
  const seed = process.argv.includes('--seed') && settings.seedDemoData;
  const names = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  for (const definition of SUBGRAPHS.filter((candidate) => names.length === 0 || names.includes(candidate.name))) {
    const dataSource = await openSubgraphDataSource(definition, settings);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      logger.info(
        { subgraph: definition.name, database: settings.databases[definition.name].database, applied: applied.map((m) => m.name) },
        applied.length > 0 ? 'migrations applied' : 'schema up to date',
      );
      if (seed && definition.seed) {
        const runtime = {
          config: settings,
          dataSource,
          logger: logger.child({ subgraph: definition.name }),
          selfUrl: () => settings.subgraphUrls[definition.name].replace(/\/graphql$/, ''),
          metrics: new ServiceMetrics(definition.name),
        };
        await definition.seed(definition.createServices(runtime), runtime);
      }
    } finally {
      await dataSource.destroy();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
