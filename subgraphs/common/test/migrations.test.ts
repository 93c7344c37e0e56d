import { SUBGRAPHS } from '../../registry';
import { openSubgraphDataSource } from '../src/subgraph';
import { createTestConfig, testDatabaseKind } from '../src/testing/test-database';

describe(`migrations on ${testDatabaseKind()}`, () => {
  it.each(SUBGRAPHS.map((definition) => [definition.name, definition] as const))(
    '%s: applies every migration, reverts all of them, and applies them again',
    async (_name, definition) => {
      const { config, cleanup } = createTestConfig();
      const dataSource = await openSubgraphDataSource(definition, config);
      try {
        expect(await dataSource.showMigrations()).toBe(true);
        const applied = await dataSource.runMigrations({ transaction: 'each' });
        expect(applied.length).toBe((definition.migrations as unknown[]).length);
        expect(await dataSource.showMigrations()).toBe(false);
        const tables = dataSource.entityMetadatas.map((metadata) => metadata.tableName);
        const existing = async () => {
          const queryRunner = dataSource.createQueryRunner();
          try {
            const found: string[] = [];
            for (const table of tables) if (await queryRunner.hasTable(table)) found.push(table);
            return found;
          } finally {
            await queryRunner.release();
          }
        };
        expect(await existing()).toEqual(tables);

        for (let i = 0; i < applied.length; i += 1) await dataSource.undoLastMigration({ transaction: 'each' });
        expect(await existing()).toEqual([]);

        await dataSource.runMigrations({ transaction: 'each' });
        expect(await dataSource.showMigrations()).toBe(false);
        // The entities match the hand-written schema: every mapped column can be read back.
        for (const metadata of dataSource.entityMetadatas) {
          await expect(dataSource.getRepository(metadata.target).find({ take: 1 })).resolves.toBeDefined();
        }
      } finally {
        await dataSource.destroy();
        await cleanup();
      }
    },
  );
});
