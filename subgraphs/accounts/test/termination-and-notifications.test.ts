import { randomUUID } from 'node:crypto';
import { OutboxMessageEntity } from '../../common/src/outbox/outbox-message.entity';
import { errorCode } from '../../common/src/testing/graphql-client';
import { testDatabaseKind } from '../../common/src/testing/test-database';
import { ChargingSessionEntity } from '../src/entities/charging-session.entity';
import { AUTO_TOP_UP_TOPIC, PAYOUT_ENTITLEMENT_TOPIC } from '../src/services/outbox-topics';
import { OPERATOR, SERVICE, customer, partner, startAccountsHarness } from './support/accounts-harness';
import type { AccountsHarness } from './support/accounts-harness';

const TERMINATE = `mutation($accountId: ID!, $initiatedBy: TerminationInitiator!) {
  terminateAccount(accountId: $accountId, initiatedBy: $initiatedBy) { id status balance { cents } reserved { cents } }
}`;
const NOTIFY = `mutation($input: NotificationInput!) { createNotification(input: $input) { id accountId kind message reference readAt } }`;
const NOTIFICATIONS = `query($id: ID!) { account(id: $id) { notifications(first: 10) { kind message reference } } }`;
const THRESHOLD = `mutation($accountId: ID!, $thresholdCents: SafeInt) {
  setAutoTopUpThreshold(accountId: $accountId, thresholdCents: $thresholdCents) { id autoTopUpThreshold { cents } }
}`;

describe(`termination, notifications and automatic top-up triggers (${testDatabaseKind()})`, () => {
  let h: AccountsHarness;
  let sessions = 0;

  beforeAll(async () => {
    h = await startAccountsHarness();
  });
  afterAll(() => h?.close());

  const outbox = (topic: string) => h.subgraph.dataSource.getRepository(OutboxMessageEntity).findBy({ topic });
  const autoTriggersFor = async (accountId: string) =>
    (await outbox(AUTO_TOP_UP_TOPIC)).map((message) => JSON.parse(message.payload) as { accountId: string; balanceCents: number; reference: string }).filter((payload) => payload.accountId === accountId);

  describe('terminateAccount', () => {
    it('settles open sessions, ends options, keeps the credit and opens the payout entitlement once', async () => {
      const account = await h.openAccount('CONGSTAR', 5000);
      await h.services.options.book(account, 'ALLNET_FLAT');
      const sessionId = `term-${(sessions += 1)}`;
      await h.services.charging.start({ sessionId, accountId: account.id, service: 'DATA', requestedUnits: 50 });
      await h.services.charging.update({ sessionId, requestNumber: 1, usedUnits: 10, requestedUnits: 0 });

      const first = await h.call<{ terminateAccount: { status: string; balance: { cents: number }; reserved: { cents: number } } }>(SERVICE, TERMINATE, {
        accountId: account.id,
        initiatedBy: 'CUSTOMER',
      });
      expect(first.errors).toBeUndefined();
      // 50,00 € - 9,99 € Allnet Flat - 10 MB at 24 ct; nothing reserved any more.
      expect(first.data!.terminateAccount).toMatchObject({ status: 'TERMINATED', balance: { cents: 5000 - 999 - 240 }, reserved: { cents: 0 } });
      expect(await h.subgraph.dataSource.getRepository(ChargingSessionEntity).findOneByOrFail({ id: sessionId })).toMatchObject({ status: 'TERMINATED', chargedCents: 240, reservedCents: 0 });
      expect((await h.services.options.listFor(account.id)).map((option) => option.status)).toEqual(['ENDED']);
      await h.expectConsistent(account.id);

      const again = await h.call<{ terminateAccount: { status: string } }>(SERVICE, TERMINATE, { accountId: account.id, initiatedBy: 'BRAND' });
      expect(again.data!.terminateAccount.status).toBe('TERMINATED');
      const entitlements = (await outbox(PAYOUT_ENTITLEMENT_TOPIC)).filter((message) => message.dedupeKey === `payout-entitlement:${account.id}`);
      expect(entitlements).toHaveLength(1);
      const reloaded = await h.reload(account.id);
      expect(JSON.parse(entitlements[0]!.payload)).toEqual({
        accountId: account.id,
        brandCode: 'CONGSTAR',
        terminatedAt: reloaded.statusChangedAt.toISOString(),
        initiatedBy: 'CUSTOMER',
      });
      // No new connection on a terminated contract, and no more top-ups; the credit stays for the payout.
      await expect(h.services.charging.start({ sessionId: `term-${(sessions += 1)}`, accountId: account.id, service: 'SMS', requestedUnits: 1 })).rejects.toMatchObject({ code: 'SIM_INACTIVE' });
      await expect(h.services.ledger.credit('TOP_UP', { accountId: account.id, amountCents: 100, reference: `late:${randomUUID()}`, reason: 'Late' })).rejects.toMatchObject({ code: 'SIM_INACTIVE' });
      expect((await h.expectConsistent(account.id)).balanceCents).toBe(5000 - 999 - 240);
    });

    it('is for services only and names unknown accounts and initiators', async () => {
      const account = await h.openAccount('O2', 100);
      expect(errorCode(await h.call(OPERATOR, TERMINATE, { accountId: account.id, initiatedBy: 'BRAND' }))).toBe('FORBIDDEN');
      expect(errorCode(await h.call(customer(account.id), TERMINATE, { accountId: account.id, initiatedBy: 'CUSTOMER' }))).toBe('FORBIDDEN');
      expect(errorCode(await h.call(SERVICE, TERMINATE, { accountId: randomUUID(), initiatedBy: 'BRAND' }))).toBe('NOT_FOUND');
      expect(errorCode(await h.call(SERVICE, TERMINATE, { accountId: account.id, initiatedBy: 'NOBODY' }))).toBe('BAD_USER_INPUT');
      expect((await h.reload(account.id)).status).toBe('ACTIVE');
    });
  });

  describe('notifications', () => {
    it('are kept once per reference and listed newest first to those who see the account', async () => {
      const account = await h.openAccount('TELEKOM', 0);
      const input = { accountId: account.id, kind: 'AUTO_TOP_UP_FAILED', message: 'Die automatische Aufladung ist fehlgeschlagen.', reference: 'auto-top-up:failed:1' };
      const first = await h.call<{ createNotification: { id: string } }>(SERVICE, NOTIFY, { input });
      const retried = await Promise.all([1, 2, 3].map(() => h.call<{ createNotification: { id: string } }>(SERVICE, NOTIFY, { input })));
      expect(retried.map((response) => response.data?.createNotification.id)).toEqual([1, 2, 3].map(() => first.data!.createNotification.id));
      await h.call(SERVICE, NOTIFY, { input: { ...input, kind: 'INFO', message: 'Second', reference: 'info:2' } });

      const own = await h.call<{ account: { notifications: { kind: string; reference: string }[] } }>(customer(account.id), NOTIFICATIONS, { id: account.id });
      expect(own.data!.account.notifications.map((notification) => notification.reference)).toEqual(['info:2', 'auto-top-up:failed:1']);
      expect(errorCode(await h.call(customer('someone-else'), NOTIFICATIONS, { id: account.id }))).toBe('NOT_FOUND');
      expect(errorCode(await h.call(partner('O2'), NOTIFICATIONS, { id: account.id }))).toBe('NOT_FOUND');
      expect(errorCode(await h.call(OPERATOR, NOTIFY, { input }))).toBe('FORBIDDEN');
    });

    it('refuses bad input and unknown accounts, creating nothing', async () => {
      const account = await h.openAccount('TELEKOM', 0);
      const good = { accountId: account.id, kind: 'INFO', message: 'Hello', reference: 'r1' };
      for (const bad of [{ kind: 'lower' }, { message: ' ' }, { message: 'x'.repeat(1001) }, { reference: 'with space' }]) {
        expect(errorCode(await h.call(SERVICE, NOTIFY, { input: { ...good, ...bad } }))).toBe('BAD_USER_INPUT');
      }
      expect(errorCode(await h.call(SERVICE, NOTIFY, { input: { ...good, accountId: randomUUID() } }))).toBe('NOT_FOUND');
      expect(await h.services.notifications.list(account.id, 10)).toEqual([]);
    });
  });

  describe('automatic top-up threshold', () => {
    it('enqueues exactly one trigger when 10 concurrent debits cross the threshold', async () => {
      const account = await h.openAccount('TELEKOM', 5000);
      const set = await h.call<{ setAutoTopUpThreshold: { autoTopUpThreshold: { cents: number } } }>(SERVICE, THRESHOLD, { accountId: account.id, thresholdCents: 1000 });
      expect(set.data!.setAutoTopUpThreshold.autoTopUpThreshold).toEqual({ cents: 1000 });
      // Mixed kinds: payouts, third-party charges and delayed charges all count as debits.
      const debits = Array.from({ length: 10 }, (_, i) => {
        const input = { accountId: account.id, amountCents: 500, reference: `debit:${i}`, reason: 'Test debit' };
        if (i % 3 === 0) return h.services.ledger.debit('PAYOUT', input);
        if (i % 3 === 1) return h.services.ledger.thirdPartyCharge(input);
        return h.services.ledger.delayedCharge('ROAMING', input);
      });
      await Promise.all(debits);
      expect((await h.expectConsistent(account.id)).balanceCents).toBe(0);
      const triggers = await autoTriggersFor(account.id);
      expect(triggers).toHaveLength(1);
      // The debit that took the balance from 10,00 € to 5,00 € is the one that crossed.
      const crossing = (await h.services.ledger.page(account.id, 20)).entries.find((entry) => entry.balanceAfterCents === 500)!;
      expect(triggers[0]).toEqual({ accountId: account.id, balanceCents: 500, reference: crossing.reference });
    });

    it('fires for usage commits and option fees, and not once cleared', async () => {
      const account = await h.openAccount('CONGSTAR', 1400);
      await h.call(SERVICE, THRESHOLD, { accountId: account.id, thresholdCents: 1000 });
      await h.services.options.book(account, 'DATA_OPTION');
      expect((await autoTriggersFor(account.id)).map((trigger) => trigger.balanceCents)).toEqual([1400 - 499]);

      const other = await h.openAccount('CONGSTAR', 1010);
      await h.services.accounts.setAutoTopUpThreshold(other.id, 1000);
      const sessionId = `auto-${(sessions += 1)}`;
      await h.services.charging.start({ sessionId, accountId: other.id, service: 'VOICE', requestedUnits: 5 });
      // The reservation alone moves no money; the commit does.
      expect(await autoTriggersFor(other.id)).toEqual([]);
      await h.services.charging.terminate({ sessionId, usedUnits: 2 });
      expect(await autoTriggersFor(other.id)).toEqual([{ accountId: other.id, balanceCents: 1010 - 2 * 9, reference: `charging:${sessionId}` }]);

      const cleared = await h.call<{ setAutoTopUpThreshold: { autoTopUpThreshold: null } }>(SERVICE, THRESHOLD, { accountId: other.id, thresholdCents: null });
      expect(cleared.data!.setAutoTopUpThreshold.autoTopUpThreshold).toBeNull();
      await h.services.ledger.credit('TOP_UP', { accountId: other.id, amountCents: 1000, reference: 'refill', reason: 'Top-up' });
      await h.services.ledger.debit('PAYOUT', { accountId: other.id, amountCents: 1500, reference: 'payout', reason: 'Payout' });
      expect(await autoTriggersFor(other.id)).toHaveLength(1);
    });

    it('refuses bad thresholds and non-service callers', async () => {
      const account = await h.openAccount('CONGSTAR', 0);
      expect(errorCode(await h.call(SERVICE, THRESHOLD, { accountId: account.id, thresholdCents: 0 }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await h.call(SERVICE, THRESHOLD, { accountId: randomUUID(), thresholdCents: 100 }))).toBe('NOT_FOUND');
      expect(errorCode(await h.call(customer(account.id), THRESHOLD, { accountId: account.id, thresholdCents: 100 }))).toBe('FORBIDDEN');
      expect((await h.reload(account.id)).autoTopUpThresholdCents).toBeNull();
    });
  });
});
