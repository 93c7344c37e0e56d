import { randomUUID } from 'node:crypto';
import { OutboxMessageEntity } from '../../common/src/outbox/outbox-message.entity';
import { addDays, addMonths } from '../../common/src/policy/calendar';
import { testDatabaseKind } from '../../common/src/testing/test-database';
import { AccountEntity } from '../src/entities/account.entity';
import { NotificationEntity } from '../src/entities/notification.entity';
import { LifecycleService } from '../src/services/lifecycle.service';
import type { LifecycleRun } from '../src/services/lifecycle.service';
import { PAYOUT_ENTITLEMENT_TOPIC } from '../src/services/outbox-topics';
import { startAccountsHarness, uniqueMsisdn } from './support/accounts-harness';
import type { AccountsHarness } from './support/accounts-harness';

const T0 = new Date('2025-01-10T09:00:00.000Z');
const LIDL = 12;
const TELEKOM = 6;

describe(`lifecycle job with two instances at once (${testDatabaseKind()})`, () => {
  let h: AccountsHarness;
  let instances: [LifecycleService, LifecycleService];

  beforeAll(async () => {
    h = await startAccountsHarness();
    const s = h.services;
    // Two job instances as two processes would run them; small batches make their claims interleave.
    const instance = () => new LifecycleService(s.transactions, s.ledger, s.charging, s.options, s.notifications, s.policies, s.clock, 4);
    instances = [instance(), instance()];
  });
  afterAll(() => h?.close());

  const runBoth = async (): Promise<LifecycleRun> => {
    const runs = await Promise.all(instances.map((instance) => instance.run()));
    return { transitions: runs[0]!.transitions + runs[1]!.transitions, notices: runs[0]!.notices + runs[1]!.notices };
  };

  it('makes every transition and sends every notice exactly once', async () => {
    h.clock.set(T0);
    const lidl: string[] = [];
    const telekom: string[] = [];
    for (let i = 0; i < LIDL; i += 1) lidl.push((await h.services.accounts.open({ msisdn: uniqueMsisdn(), brandCode: 'LIDL_CONNECT' })).id);
    for (let i = 0; i < TELEKOM; i += 1) {
      const account = await h.services.accounts.open({ msisdn: uniqueMsisdn(), brandCode: 'TELEKOM' });
      await h.services.ledger.credit('TOP_UP', { accountId: account.id, amountCents: 1500 + i, reference: `t:${randomUUID()}`, reason: 'Top-up' });
      telekom.push(account.id);
    }
    const accounts = h.subgraph.dataSource.getRepository(AccountEntity);
    const statuses = async (ids: string[]) => (await accounts.findBy(ids.map((id) => ({ id })))).map((account) => account.status);

    h.clock.set(addMonths(T0, 12));
    expect(await runBoth()).toEqual({ transitions: LIDL, notices: 0 });
    expect(new Set(await statuses(lidl))).toEqual(new Set(['INACTIVE']));

    // LIDL's inactive month is over; Telekom's three notices (56, 28, 7 days before month 23) are all due.
    h.clock.set(addDays(addMonths(T0, 23), -7));
    expect(await runBoth()).toEqual({ transitions: LIDL, notices: TELEKOM * 3 });
    expect(new Set(await statuses(lidl))).toEqual(new Set(['DEACTIVATED']));
    expect(await runBoth()).toEqual({ transitions: 0, notices: 0 });

    h.clock.set(addMonths(T0, 24));
    expect(await runBoth()).toEqual({ transitions: TELEKOM, notices: 0 });
    expect(new Set(await statuses(telekom))).toEqual(new Set(['TERMINATED']));
    expect(await runBoth()).toEqual({ transitions: 0, notices: 0 });

    const notifications = h.subgraph.dataSource.getRepository(NotificationEntity);
    for (const id of telekom) {
      expect(await notifications.countBy({ accountId: id, kind: 'TERMINATION_NOTICE' })).toBe(3);
      expect(await notifications.countBy({ accountId: id, kind: 'CONTRACT_TERMINATED' })).toBe(1);
    }
    for (const id of lidl) expect(await notifications.countBy({ accountId: id })).toBe(0);
    const entitlements = await h.subgraph.dataSource.getRepository(OutboxMessageEntity).findBy({ topic: PAYOUT_ENTITLEMENT_TOPIC });
    expect(entitlements.map((message) => (JSON.parse(message.payload) as { accountId: string }).accountId).sort()).toEqual([...telekom].sort());
    // Credit never expires: every SIM still holds what was topped up.
    for (const [i, id] of telekom.entries()) expect((await h.expectConsistent(id)).balanceCents).toBe(1500 + i);
  });
});
