import { testDatabaseKind } from '../../common/src/testing/test-database';
import { startTestSubgraph } from '../../common/src/testing/test-subgraph';
import type { TestSubgraph } from '../../common/src/testing/test-subgraph';
import { createPoliciesSubgraph } from '../../policies/src/policies.subgraph';
import type { PoliciesServices } from '../../policies/src/policies.subgraph';
import { createAccountsSubgraph } from '../src/accounts.subgraph';
import type { AccountsServices } from '../src/accounts.subgraph';

describe(`accounts migrations (${testDatabaseKind()})`, () => {
  let subgraph: TestSubgraph<AccountsServices>;
  let policies: TestSubgraph<PoliciesServices>;

  beforeAll(async () => {
    policies = await startTestSubgraph(createPoliciesSubgraph());
    subgraph = await startTestSubgraph(createAccountsSubgraph({ expirySweepMs: 0, lifecycleMs: 0, outboxRelay: false }), {
      POLICIES_URL: policies.url,
    });
  });
  afterAll(async () => {
    await subgraph?.close();
    await policies?.close();
  });

  it('go down and up again, keeping existing accounts and their ledger', async () => {
    const { dataSource, services } = subgraph;
    const account = await services.accounts.open({ msisdn: '+4915100000777', brandCode: 'O2' });
    await services.ledger.credit('TOP_UP', { accountId: account.id, amountCents: 1500, reference: 'before-down', reason: 'Top-up' });

    // TypeORM turns SQLite's foreign keys off only outside a transaction, and undo opens one first;
    // the rebuild of the parent table then trips them. Undo without a wrapping transaction.
    await dataSource.undoLastMigration({ transaction: 'none' });
    await dataSource.undoLastMigration({ transaction: 'none' });
    await dataSource.undoLastMigration({ transaction: 'none' });
    const runner = dataSource.createQueryRunner();
    try {
      expect(await runner.hasTable('notification')).toBe(false);
      expect(await runner.hasTable('outbox_message')).toBe(false);
      expect(await runner.hasColumn('account', 'auto_top_up_threshold_cents')).toBe(false);
      expect(await runner.hasTable('charging_session')).toBe(false);
      expect(await runner.hasTable('account_option')).toBe(false);
      expect(await runner.hasColumn('account', 'reserved_cents')).toBe(false);
      expect(await runner.hasColumn('ledger_entry', 'cause')).toBe(false);
    } finally {
      await runner.release();
    }

    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied.map((migration) => migration.name)).toEqual(['AddCharging1763800000010', 'AddOptions1763800000020', 'AddLifecycle1763800000030']);
    const after = await subgraph.services.accounts.findByIds([account.id]);
    expect(after[0]).toMatchObject({ balanceCents: 1500, reservedCents: 0 });
    expect(await services.ledger.sumFor(account.id)).toBe(1500);
  });
});
