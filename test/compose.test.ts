import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow } from '../subgraphs/common/src/access';
import { buildFederatedSchema } from '../subgraphs/common/src/federation';
import { schemaDir } from '../subgraphs/common/src/paths';
import type { SubgraphDefinition } from '../subgraphs/common/src/subgraph';
import { SUBGRAPHS } from '../subgraphs/registry';
import { compareWithRelease, composeSupergraph, staleFiles } from '../scripts/compose';

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
      'api.graphql',
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
      expect(staleFiles(changed.files).map((file) => file.split('/').pop())).toEqual(['refunds.graphql', 'supergraph.graphql', 'api.graphql']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('fails a breaking change against the released schema unless the changelog announces it', async () => {
    const released = 'type Query { account(id: ID!): Account }\ntype Account { id: ID! balance: Int! msisdn: String }';
    const removed = 'type Query { account(id: ID!): Account }\ntype Account { id: ID! msisdn: String }';
    const added = 'type Query { account(id: ID!): Account }\ntype Account { id: ID! balance: Int! msisdn: String status: String }';
    const silent = await compareWithRelease(released, removed, '# API changelog\n\n## Unreleased\n\nNothing yet.\n');
    expect(silent.breaking).toEqual([expect.objectContaining({ path: 'Account.balance', listed: false })]);
    const announced = await compareWithRelease(released, removed, '## Unreleased\n\n- Removed `Account.balance` (use `Account.money`).\n\n## 0.1.0\n');
    expect(announced.breaking).toEqual([expect.objectContaining({ path: 'Account.balance', listed: true })]);
    const announcedInOldRelease = await compareWithRelease(released, removed, '## Unreleased\n\n## 0.1.0\n\n- `Account.balance`\n');
    expect(announcedInOldRelease.breaking[0]!.listed).toBe(false);
    expect((await compareWithRelease(released, added, '')).breaking).toEqual([]);
  });

  it('finds the current API schema compatible with the last release (or its breaking changes announced)', async () => {
    const composition = await composeSupergraph();
    const current = composition.files.find((file) => file.file.endsWith('api.graphql'))!.content;
    const released = readFileSync(join(schemaDir(), 'released', 'api.graphql'), 'utf8');
    const changelog = readFileSync(join(schemaDir(), 'CHANGELOG.md'), 'utf8');
    const report = await compareWithRelease(released, current, changelog);
    expect(report.breaking.filter((change) => !change.listed)).toEqual([]);
  });
});
