import { randomUUID } from 'node:crypto';
import { OutboxMessageEntity } from '../../common/src/outbox/outbox-message.entity';
import { addDays, addMonths } from '../../common/src/policy/calendar';
import { errorCode } from '../../common/src/testing/graphql-client';
import { testDatabaseKind } from '../../common/src/testing/test-database';
import type { AccountStatus } from '../src/entities/account.entity';
import { NotificationEntity } from '../src/entities/notification.entity';
import { PAYOUT_ENTITLEMENT_TOPIC } from '../src/services/outbox-topics';
import { OPERATOR, SERVICE, customer, startAccountsHarness, uniqueMsisdn } from './support/accounts-harness';
import type { AccountsHarness } from './support/accounts-harness';

/** Activation of every row's SIM; steps are offsets from it. */
const T0 = new Date('2025-01-10T09:00:00.000Z');
const m = (months: number, days = 0): Date => addDays(addMonths(T0, months), days);

interface Step {
  at: Date;
  /** A TOP_UP credit of this many cents at `at`. */
  topUp?: number;
  /** The top-up is refused with this code and changes nothing. */
  refused?: string;
  /** A chargeable connection (a charging session) starts at `at`. */
  use?: true;
  /** The lifecycle job runs at `at` (through the service mutation `runLifecycle`). */
  run?: true;
  status?: AccountStatus;
  validUntil?: Date | null;
  /** daysBefore of every termination notice the account has received so far, newest first. */
  notices?: number[];
  /** A payout entitlement for refunds is in the outbox. */
  entitlement?: boolean;
}

interface Row {
  name: string;
  brand: string;
  steps: Step[];
}

const TABLE: Row[] = [
  {
    name: 'O2: valid 6 months from activation; each top-up adds 6 months, even 1 cent',
    brand: 'O2',
    steps: [
      { at: T0, status: 'ACTIVE', validUntil: m(6) },
      { at: m(2), topUp: 1, validUntil: m(12) },
      { at: m(5), topUp: 1000, validUntil: m(18) },
      { at: m(18, -1), run: true, status: 'ACTIVE' },
      // What follows the end of O2's validity is not known: the SIM is inactive, nothing more.
      { at: m(18), run: true, status: 'INACTIVE' },
      { at: m(30), run: true, status: 'INACTIVE', entitlement: false },
      // Whether a top-up reactivates is unknown for O2: the credit is added, the SIM stays inactive.
      { at: m(31), topUp: 500, status: 'INACTIVE', validUntil: m(18) },
    ],
  },
  {
    name: 'ALDI Talk: 15 EUR gives 12 months',
    brand: 'ALDI_TALK',
    steps: [
      { at: T0, status: 'ACTIVE', validUntil: null },
      { at: m(1), topUp: 1500, validUntil: m(13) },
      // Below 15 EUR the months are unknown: the validity does not move.
      { at: m(2), topUp: 1000, validUntil: m(13) },
      { at: m(13, -1), run: true, status: 'ACTIVE' },
      { at: m(13), run: true, status: 'INACTIVE' },
    ],
  },
  {
    name: 'ALDI Talk: 30 EUR gives 24 months (the maximum)',
    brand: 'ALDI_TALK',
    steps: [
      { at: m(1), topUp: 3000, validUntil: m(25) },
      { at: m(13), run: true, status: 'ACTIVE' },
      { at: m(25), run: true, status: 'INACTIVE' },
    ],
  },
  {
    name: 'LIDL Connect: 12 months, then 1 month inactive, then deactivated; credit kept',
    brand: 'LIDL_CONNECT',
    steps: [
      { at: T0, status: 'ACTIVE', validUntil: m(12) },
      { at: m(12, -1), run: true, status: 'ACTIVE' },
      { at: m(12), run: true, status: 'INACTIVE' },
      { at: m(13), run: true, status: 'DEACTIVATED', entitlement: false },
      { at: m(40), run: true, status: 'DEACTIVATED' },
    ],
  },
  {
    name: 'LIDL Connect: a top-up in the inactive month reactivates and restarts the 12 months',
    brand: 'LIDL_CONNECT',
    steps: [
      { at: m(1), topUp: 1500, validUntil: m(13) },
      { at: m(13), run: true, status: 'INACTIVE' },
      { at: m(13, 10), topUp: 1000, status: 'ACTIVE', validUntil: m(25, 10) },
      { at: m(14), run: true, status: 'ACTIVE' },
      { at: m(25, 10), run: true, status: 'INACTIVE' },
    ],
  },
  {
    name: 'Telekom: notices 56, 28 and 7 days before, terminated 24 months after the last top-up',
    brand: 'TELEKOM',
    steps: [
      { at: m(1), topUp: 1500, status: 'ACTIVE', validUntil: null },
      { at: m(24, -57), run: true, status: 'ACTIVE', notices: [] },
      { at: m(24, -56), run: true, notices: [56] },
      { at: m(24, -50), run: true, notices: [56] },
      { at: m(24, -28), run: true, notices: [28, 56] },
      { at: m(24, -7), run: true, status: 'ACTIVE', notices: [7, 28, 56], entitlement: false },
      { at: m(25), run: true, status: 'TERMINATED', notices: [7, 28, 56], entitlement: true },
      { at: m(26), run: true, status: 'TERMINATED', notices: [7, 28, 56] },
      // A terminated contract takes no more credit; what is there is paid out.
      { at: m(26), topUp: 1500, refused: 'SIM_INACTIVE', status: 'TERMINATED' },
    ],
  },
  {
    name: 'Telekom: a top-up before the notices restarts the 24 months',
    brand: 'TELEKOM',
    steps: [
      { at: m(1), topUp: 1500 },
      { at: m(20), topUp: 500 },
      { at: m(25), run: true, status: 'ACTIVE', notices: [] },
      // Notices are timed against the earliest termination: 23 months after the last top-up.
      { at: m(43, -57), run: true, notices: [] },
      { at: m(43, -56), run: true, notices: [56] },
      { at: m(44), run: true, status: 'TERMINATED', notices: [56], entitlement: true },
    ],
  },
  {
    name: 'congstar: a top-up within 15 months keeps the SIM active',
    brand: 'CONGSTAR',
    steps: [
      { at: T0, validUntil: null },
      { at: m(1), topUp: 1500, validUntil: m(16) },
      { at: m(12), topUp: 500, validUntil: m(27) },
      { at: m(16), run: true, status: 'ACTIVE' },
      { at: m(27), run: true, status: 'INACTIVE' },
      // Reactivation is unknown for congstar: the credit is added, the SIM stays inactive.
      { at: m(28), topUp: 1500, status: 'INACTIVE' },
    ],
  },
  {
    name: 'EDEKA smart: usable 15 months after each top-up, terminated after 15 months without one',
    brand: 'EDEKA_SMART',
    steps: [
      { at: m(1), topUp: 1500, validUntil: m(16) },
      { at: m(16, -7), run: true, status: 'ACTIVE', notices: [7, 28, 56] },
      { at: m(16), run: true, status: 'TERMINATED', entitlement: true },
    ],
  },
  {
    name: 'Vodafone CallYa: 25 EUR gives 15 months; a chargeable connection keeps it active 90 more days',
    brand: 'VODAFONE_CALLYA',
    steps: [
      { at: m(1), topUp: 2500, validUntil: m(16) },
      { at: m(15), use: true, validUntil: addDays(m(15), 90) },
      { at: m(16), run: true, status: 'ACTIVE' },
      { at: addDays(m(15), 90), run: true, status: 'INACTIVE' },
    ],
  },
];

describe(`validity lifecycle per brand (${testDatabaseKind()})`, () => {
  let h: AccountsHarness;
  let sessions = 0;

  beforeAll(async () => {
    h = await startAccountsHarness();
  });
  afterAll(() => h?.close());

  const noticesOf = async (accountId: string): Promise<number[]> => {
    const rows = await h.subgraph.dataSource.getRepository(NotificationEntity).find({ where: { accountId, kind: 'TERMINATION_NOTICE' }, order: { id: 'DESC' } });
    return rows.map((row) => Number(/:(\d+)d$/.exec(row.reference)![1]));
  };

  it.each(TABLE.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    h.clock.set(T0);
    const opened = await h.services.accounts.open({ msisdn: uniqueMsisdn(), brandCode: row.brand });
    let expectedBalance = 0;
    for (const [index, step] of row.steps.entries()) {
      const where = `step ${index} at ${step.at.toISOString()}`;
      h.clock.set(step.at);
      if (step.topUp !== undefined) {
        const credit = h.services.ledger.credit('TOP_UP', { accountId: opened.id, amountCents: step.topUp, reference: `topup:${randomUUID()}`, reason: 'Test top-up' });
        if (step.refused) await expect(credit).rejects.toMatchObject({ code: step.refused });
        else {
          await credit;
          expectedBalance += step.topUp;
        }
      }
      if (step.use) {
        const sessionId = `lifecycle-${(sessions += 1)}`;
        await h.services.charging.start({ sessionId, accountId: opened.id, service: 'SMS', requestedUnits: 1 });
        await h.services.charging.terminate({ sessionId, usedUnits: 1 });
        expectedBalance -= 9;
      }
      if (step.run) {
        const ran = await h.call<{ runLifecycle: number }>(SERVICE, 'mutation { runLifecycle }');
        expect(ran.errors).toBeUndefined();
      }
      const account = await h.expectConsistent(opened.id);
      // Credit never expires: only top-ups and usage move the balance, in every phase.
      expect({ where, balance: account.balanceCents }).toEqual({ where, balance: expectedBalance });
      if (step.status) expect({ where, status: account.status }).toEqual({ where, status: step.status });
      if (step.validUntil !== undefined) expect({ where, validUntil: account.validUntil?.toISOString() ?? null }).toEqual({ where, validUntil: step.validUntil?.toISOString() ?? null });
      if (step.notices) expect({ where, notices: await noticesOf(opened.id) }).toEqual({ where, notices: step.notices });
      if (step.entitlement !== undefined) {
        const messages = await h.subgraph.dataSource.getRepository(OutboxMessageEntity).findBy({ topic: PAYOUT_ENTITLEMENT_TOPIC, dedupeKey: `payout-entitlement:${opened.id}` });
        expect({ where, entitlements: messages.length }).toEqual({ where, entitlements: step.entitlement ? 1 : 0 });
        if (step.entitlement) {
          expect(JSON.parse(messages[0]!.payload)).toEqual({
            accountId: opened.id,
            brandCode: row.brand,
            terminatedAt: account.statusChangedAt.toISOString(),
            initiatedBy: 'BRAND',
          });
        }
      }
    }
  });

  it('refuses connections once the rule ended the validity, even before the job ran', async () => {
    h.clock.set(T0);
    const account = await h.openAccount('LIDL_CONNECT', 1500);
    h.clock.set(m(12));
    await expect(h.services.charging.start({ sessionId: `lifecycle-${(sessions += 1)}`, accountId: account.id, service: 'VOICE', requestedUnits: 1 })).rejects.toMatchObject({
      code: 'SIM_INACTIVE',
    });
    expect((await h.expectConsistent(account.id)).status).toBe('ACTIVE');
  });

  it('lets only the service role run the job', async () => {
    for (const principal of [OPERATOR, customer('x')]) {
      expect(errorCode(await h.call(principal, 'mutation { runLifecycle }'))).toBe('FORBIDDEN');
    }
  });
});
