import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow } from '../subgraphs/common/src/access';
import { buildFederatedSchema } from '../subgraphs/common/src/federation';
import type { SubgraphDefinition } from '../subgraphs/common/src/subgraph';
import { SUBGRAPHS } from '../subgraphs/registry';
import { composeSupergraph, staleFiles } from '../scripts/compose';

@ObjectType({ description: 'Only here to change a subgraph schema in this test.' })
class ComposeProbe {
  @Field({ description: 'Probe value.' })
  value!: string;
}

@Resolver()
class ComposeProbeResolver {
  @Allow('operator')
  @Query(() => ComposeProbe, { description: 'A field that the committed schema does not have.' })
  composeProbe(): ComposeProbe {
    return { value: 'x' };
  }
}

describe('compose check', () => {
  it('finds the committed schema/ up to date with the subgraphs', async () => {
    const composition = await composeSupergraph();
    expect(composition.errors).toEqual([]);
    expect(composition.files.map((file) => file.file.split('/').pop())).toEqual([
      'accounts.graphql',
      'payments.graphql',
      'policies.graphql',
      'refunds.graphql',
      'supergraph.graphql',
    ]);
    expect(staleFiles(composition.files)).toEqual([]);
  });

  it('reports a subgraph whose schema changed without recomposition', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'guthaben-compose-'));
    try {
      const committed = await composeSupergraph(SUBGRAPHS, directory);
      for (const { file, content } of committed.files) writeFileSync(file, content);
      expect(staleFiles(committed.files)).toEqual([]);

      const refunds = SUBGRAPHS.find((definition) => definition.name === 'refunds')!;
      const changedRefunds: SubgraphDefinition<unknown, unknown> = {
        ...refunds,
        buildSchema: () => buildFederatedSchema({ resolvers: [ComposeProbeResolver] }),
      };
      const changed = await composeSupergraph(
        SUBGRAPHS.map((definition) => (definition.name === 'refunds' ? changedRefunds : definition)),
        directory,
      );
      expect(changed.errors).toEqual([]);
      expect(staleFiles(changed.files).map((file) => file.split('/').pop())).toEqual(['refunds.graphql', 'supergraph.graphql']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
