import { randomUUID } from 'node:crypto';
import { systemClock } from '../subgraphs/common/src/clock';
import { enqueueOutboxMessage } from '../subgraphs/common/src/outbox/outbox.service';
import type { SubgraphDefinition } from '../subgraphs/common/src/subgraph';
import { createAccountsSubgraph } from '../subgraphs/accounts/src/accounts.subgraph';
import { PAYOUT_ENTITLEMENT_TOPIC } from '../subgraphs/accounts/src/services/outbox-topics';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

/** Issue 20: admins see each service's outbox backlog and run a relay pass or a named job once. */
describe('background work through the gateway', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // No relay in the background: the backlog stays until the admin runs a pass.
    stack = await startTestStack({}, { definitions: { accounts: createAccountsSubgraph({ outboxRelay: false }) as SubgraphDefinition<unknown, unknown> } });
  });
  afterAll(() => stack?.stop());

  const backlog = async (token: string) =>
    stack.query<{ accountsBackgroundWork: { service: string; jobs: string[]; outbox: { topic: string; pending: number; retrying: number; oldestCreatedAt: string | null }[] } }>(
      token,
      'query Backlog { accountsBackgroundWork { service jobs outbox { topic pending retrying oldestCreatedAt } } }',
    );

  it('shows the backlog per topic, delivers it with one relay pass, and runs a named job', async () => {
    const admin = await stack.token({ role: 'admin' });
    const written = new Date();
    await stack.subgraphs.accounts.dataSource.transaction((manager) =>
      enqueueOutboxMessage(manager, systemClock, {
        topic: PAYOUT_ENTITLEMENT_TOPIC,
        dedupeKey: `background-work:${randomUUID()}`,
        payload: { accountId: randomUUID(), brandCode: 'CONGSTAR', terminatedAt: written.toISOString(), initiatedBy: 'CUSTOMER' },
      }),
    );
    const before = await backlog(admin);
    expect(before.errors).toBeUndefined();
    expect(before.data?.accountsBackgroundWork.service).toBe('accounts');
    expect(before.data?.accountsBackgroundWork.jobs).toEqual(['outbox-relay', 'charging-sweep', 'validity-lifecycle']);
    expect(before.data?.accountsBackgroundWork.outbox).toEqual([{ topic: PAYOUT_ENTITLEMENT_TOPIC, pending: 1, retrying: 0, oldestCreatedAt: expect.any(String) }]);
    expect(Math.abs(Date.parse(before.data!.accountsBackgroundWork.outbox[0]!.oldestCreatedAt!) - written.getTime())).toBeLessThan(5_000);

    const pass = await stack.query(admin, 'mutation Pass { runAccountsBackgroundJob(job: "outbox-relay") { job delivered failed ms } }');
    expect(pass.errors).toBeUndefined();
    expect(pass.data).toEqual({ runAccountsBackgroundJob: { job: 'outbox-relay', delivered: 1, failed: 0, ms: expect.any(Number) } });
    expect((await backlog(admin)).data?.accountsBackgroundWork.outbox).toEqual([]);

    const job = await stack.query(admin, 'mutation Job { runRefundsBackgroundJob(job: "quarterly-payouts") { job delivered } }');
    expect(job.data).toEqual({ runRefundsBackgroundJob: { job: 'quarterly-payouts', delivered: null } });
    const unknown = await stack.query(admin, 'mutation Unknown { runPaymentsBackgroundJob(job: "rm -rf") { job } }');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses every role but admin', async () => {
    for (const role of ['operator', 'service'] as const) {
      const response = await backlog(await stack.token({ role }));
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
