import { errorCode } from '../../common/src/testing/graphql-client';
import { ChargingSessionEntity } from '../src/entities/charging-session.entity';
import { DEFAULT_SESSION_VALIDITY_MS } from '../src/rules/charging-rules.provider';
import { SERVICE, customer, startAccountsHarness } from './support/accounts-harness';
import type { AccountsHarness } from './support/accounts-harness';

const SESSION_FIELDS = `id accountId service status zeroRated grantedUnits lastGrantedUnits usedUnits finalGrant lowBalance
  unitPrice { cents } reserved { cents } charged { cents } expiresAt endedAt`;
const START = `mutation($input: StartChargingSessionInput!) { startChargingSession(input: $input) { ${SESSION_FIELDS} } }`;
const UPDATE = `mutation($input: UpdateChargingSessionInput!) { updateChargingSession(input: $input) { ${SESSION_FIELDS} } }`;
const TERMINATE = `mutation($input: TerminateChargingSessionInput!) { terminateChargingSession(input: $input) { ${SESSION_FIELDS} } }`;

interface Session {
  id: string;
  status: string;
  zeroRated: boolean;
  grantedUnits: number;
  lastGrantedUnits: number;
  usedUnits: number;
  finalGrant: boolean;
  lowBalance: boolean;
  unitPrice: { cents: number };
  reserved: { cents: number };
  charged: { cents: number };
}

let sessionCounter = 0;
const newSessionId = () => `pgw-test;${Date.now()};${(sessionCounter += 1)}`;

describe('online charging', () => {
  let h: AccountsHarness;

  const start = async (input: Record<string, unknown>) => {
    const response = await h.call<{ startChargingSession: Session }>(SERVICE, START, { input: { sessionId: newSessionId(), ...input } });
    return { session: response.data?.startChargingSession, code: errorCode(response), response };
  };
  const update = async (input: Record<string, unknown>) => {
    const response = await h.call<{ updateChargingSession: Session }>(SERVICE, UPDATE, { input });
    return { session: response.data?.updateChargingSession, code: errorCode(response) };
  };
  const terminate = async (input: Record<string, unknown>) => {
    const response = await h.call<{ terminateChargingSession: Session }>(SERVICE, TERMINATE, { input });
    return { session: response.data?.terminateChargingSession, code: errorCode(response) };
  };

  beforeAll(async () => {
    h = await startAccountsHarness();
  });
  afterAll(() => h?.close());

  it('reserves, grants more, commits the used units as one entry and releases the rest', async () => {
    const account = await h.openAccount('CONGSTAR', 1000);
    const started = await start({ accountId: account.id, service: 'VOICE', requestedUnits: 10 });
    expect(started.response.errors).toBeUndefined();
    expect(started.session).toMatchObject({ status: 'OPEN', grantedUnits: 10, finalGrant: false, lowBalance: false, unitPrice: { cents: 9 }, reserved: { cents: 90 } });
    let now = await h.expectConsistent(account.id);
    expect(now.reservedCents).toBe(90);
    expect(now.balanceCents).toBe(1000);
    expect(now.lastChargeableUseAt?.toISOString()).toBe(h.clock.now().toISOString());

    const more = await update({ sessionId: started.session!.id, requestNumber: 1, usedUnits: 8, requestedUnits: 5 });
    expect(more.session).toMatchObject({ grantedUnits: 15, lastGrantedUnits: 5, usedUnits: 8, reserved: { cents: 135 } });
    expect((await h.expectConsistent(account.id)).reservedCents).toBe(135);

    const ended = await terminate({ sessionId: started.session!.id, usedUnits: 12 });
    expect(ended.session).toMatchObject({ status: 'TERMINATED', usedUnits: 12, charged: { cents: 108 }, reserved: { cents: 0 } });
    now = await h.expectConsistent(account.id);
    expect(now).toMatchObject({ balanceCents: 892, reservedCents: 0 });
    const usage = (await h.services.ledger.page(account.id, 10)).entries.filter((entry) => entry.kind === 'USAGE');
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ amountCents: -108, cause: 'VOICE', reference: `charging:${started.session!.id}` });
  });

  it('grants what fits and marks it final, with the low-balance flag', async () => {
    const account = await h.openAccount('CONGSTAR', 50);
    const started = await start({ msisdn: account.msisdn, service: 'VOICE', requestedUnits: 10 });
    expect(started.session).toMatchObject({ grantedUnits: 5, finalGrant: true, lowBalance: true, reserved: { cents: 45 } });
    const nothingLeft = await update({ sessionId: started.session!.id, requestNumber: 1, usedUnits: 5, requestedUnits: 3 });
    expect(nothingLeft.session).toMatchObject({ lastGrantedUnits: 0, grantedUnits: 5, finalGrant: true });
    const ended = await terminate({ sessionId: started.session!.id, usedUnits: 5 });
    expect(ended.session!.charged.cents).toBe(45);
    expect((await h.expectConsistent(account.id)).balanceCents).toBe(5);
  });

  it('refuses a new chargeable connection without credit for one unit and changes nothing', async () => {
    const account = await h.openAccount('CONGSTAR', 8);
    const refused = await start({ accountId: account.id, service: 'VOICE', requestedUnits: 1 });
    expect(refused.code).toBe('INSUFFICIENT_CREDIT');
    const empty = await h.openAccount('CONGSTAR');
    expect((await start({ accountId: empty.id, service: 'SMS', requestedUnits: 1 })).code).toBe('INSUFFICIENT_CREDIT');
    const after = await h.expectConsistent(account.id);
    expect(after).toMatchObject({ balanceCents: 8, reservedCents: 0, lastChargeableUseAt: null });
  });

  it('lets zero-rated WhatsApp texts through on WhatsApp SIM at zero balance, and nowhere else', async () => {
    const whatsapp = await h.openAccount('WHATSAPP_SIM');
    const started = await start({ accountId: whatsapp.id, service: 'WHATSAPP_TEXT', requestedUnits: 20 });
    expect(started.session).toMatchObject({ zeroRated: true, grantedUnits: 20, finalGrant: false, reserved: { cents: 0 }, unitPrice: { cents: 0 } });
    const ended = await terminate({ sessionId: started.session!.id, usedUnits: 20 });
    expect(ended.session).toMatchObject({ status: 'TERMINATED', charged: { cents: 0 } });
    expect((await h.services.ledger.page(whatsapp.id, 10)).entries).toHaveLength(0);
    expect((await h.expectConsistent(whatsapp.id)).lastChargeableUseAt).toBeNull();

    expect((await start({ accountId: whatsapp.id, service: 'VOICE', requestedUnits: 1 })).code).toBe('INSUFFICIENT_CREDIT');
    const congstar = await h.openAccount('CONGSTAR');
    expect((await start({ accountId: congstar.id, service: 'WHATSAPP_TEXT', requestedUnits: 1 })).code).toBe('INSUFFICIENT_CREDIT');
  });

  it('refuses inactive, deactivated and terminated SIMs with SIM_INACTIVE', async () => {
    for (const status of ['INACTIVE', 'DEACTIVATED', 'TERMINATED'] as const) {
      const account = await h.openAccount('WHATSAPP_SIM', 1000);
      await h.setStatus(account.id, status);
      expect((await start({ accountId: account.id, service: 'VOICE', requestedUnits: 1 })).code).toBe('SIM_INACTIVE');
      expect((await start({ accountId: account.id, service: 'WHATSAPP_TEXT', requestedUnits: 1 })).code).toBe('SIM_INACTIVE');
      expect(await h.expectConsistent(account.id)).toMatchObject({ balanceCents: 1000, reservedCents: 0 });
    }
  });

  it('keeps reserved credit away from other debits', async () => {
    const account = await h.openAccount('CONGSTAR', 100);
    await start({ accountId: account.id, service: 'VOICE', requestedUnits: 10 });
    await expect(
      h.services.ledger.debit('PAYOUT', { accountId: account.id, amountCents: 20, reference: 'payout-1', reason: 'Payout' }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_CREDIT' });
    const second = await start({ accountId: account.id, service: 'SMS', requestedUnits: 5 });
    expect(second.session).toMatchObject({ grantedUnits: 1, finalGrant: true });
    expect(await h.expectConsistent(account.id)).toMatchObject({ balanceCents: 100, reservedCents: 99 });
  });

  it('answers retries with the first answer and refuses contradictions', async () => {
    const account = await h.openAccount('CONGSTAR', 1000);
    const sessionId = newSessionId();
    const first = await start({ sessionId, accountId: account.id, service: 'DATA', requestedUnits: 10 });
    const again = await start({ sessionId, accountId: account.id, service: 'DATA', requestedUnits: 10 });
    expect(again.session).toEqual(first.session);
    expect((await start({ sessionId, accountId: account.id, service: 'VOICE', requestedUnits: 1 })).code).toBe('CONFLICT');
    expect((await h.expectConsistent(account.id)).reservedCents).toBe(240);

    const u1 = await update({ sessionId, requestNumber: 1, usedUnits: 4, requestedUnits: 10 });
    const u1again = await update({ sessionId, requestNumber: 1, usedUnits: 4, requestedUnits: 10 });
    expect(u1again.session).toEqual(u1.session);
    expect((await h.expectConsistent(account.id)).reservedCents).toBe(480);
    await update({ sessionId, requestNumber: 2, usedUnits: 6, requestedUnits: 0 });
    expect((await update({ sessionId, requestNumber: 1, usedUnits: 6, requestedUnits: 0 })).code).toBe('CONFLICT');
    expect((await update({ sessionId, requestNumber: 3, usedUnits: 5, requestedUnits: 0 })).code).toBe('BAD_USER_INPUT');
    expect((await terminate({ sessionId, usedUnits: 21 })).code).toBe('BAD_USER_INPUT');

    const ended = await terminate({ sessionId, usedUnits: 7 });
    expect(ended.session!.charged.cents).toBe(168);
    expect((await terminate({ sessionId, usedUnits: 7 })).session).toEqual(ended.session);
    expect((await terminate({ sessionId, usedUnits: 8 })).code).toBe('CONFLICT');
    expect(await h.expectConsistent(account.id)).toMatchObject({ balanceCents: 832, reservedCents: 0 });
  });

  it('refuses bad input with codes', async () => {
    const account = await h.openAccount('CONGSTAR', 1000);
    const cases: [Record<string, unknown>, string][] = [
      [{ accountId: account.id, service: 'VOICE', requestedUnits: 0 }, 'BAD_USER_INPUT'],
      [{ accountId: account.id, service: 'VOICE', requestedUnits: -3 }, 'BAD_USER_INPUT'],
      [{ accountId: account.id, service: 'DATA', requestedUnits: 10_000_000 }, 'BAD_USER_INPUT'],
      [{ accountId: account.id, msisdn: account.msisdn, service: 'VOICE', requestedUnits: 1 }, 'BAD_USER_INPUT'],
      [{ service: 'VOICE', requestedUnits: 1 }, 'BAD_USER_INPUT'],
      [{ msisdn: '0151 1234', service: 'VOICE', requestedUnits: 1 }, 'BAD_USER_INPUT'],
      [{ msisdn: '+4915199999999', service: 'VOICE', requestedUnits: 1 }, 'NOT_FOUND'],
      [{ accountId: 'no-such-account', service: 'VOICE', requestedUnits: 1 }, 'NOT_FOUND'],
      [{ sessionId: 'bad id with spaces', accountId: account.id, service: 'VOICE', requestedUnits: 1 }, 'BAD_USER_INPUT'],
    ];
    for (const [input, code] of cases) {
      expect({ input, code: (await start(input)).code }).toEqual({ input, code });
    }
    expect((await update({ sessionId: 'unknown', requestNumber: 1, usedUnits: 0, requestedUnits: 1 })).code).toBe('NOT_FOUND');
    expect((await terminate({ sessionId: 'unknown', usedUnits: 0 })).code).toBe('NOT_FOUND');
    const forbidden = await h.call(customer(account.id), START, { input: { sessionId: 'x', accountId: account.id, service: 'VOICE', requestedUnits: 1 } });
    expect(errorCode(forbidden)).toBe('FORBIDDEN');
    expect(await h.expectConsistent(account.id)).toMatchObject({ balanceCents: 1000, reservedCents: 0 });
  });

  it('releases a session that was never terminated exactly once, and a late terminate charges nothing more', async () => {
    const account = await h.openAccount('CONGSTAR', 1000);
    const started = await start({ accountId: account.id, service: 'DATA', requestedUnits: 10 });
    await update({ sessionId: started.session!.id, requestNumber: 1, usedUnits: 3, requestedUnits: 0 });
    const lateTerminate = await h.openAccount('CONGSTAR', 1000);
    const other = await start({ accountId: lateTerminate.id, service: 'VOICE', requestedUnits: 10 });

    h.clock.advanceMs(DEFAULT_SESSION_VALIDITY_MS - 1);
    expect(await h.services.charging.expireStaleSessions()).toBe(0);
    h.clock.advanceMs(1);
    // Earlier tests left sessions open too; each stale one must be closed by exactly one sweep.
    const sessions = h.subgraph.dataSource.getRepository(ChargingSessionEntity);
    const stale = await sessions.countBy({ status: 'OPEN' });
    expect(stale).toBeGreaterThanOrEqual(2);
    const sweeps = await Promise.all([1, 2, 3, 4, 5].map(() => h.services.charging.expireStaleSessions()));
    expect(sweeps.reduce((sum, n) => sum + n, 0)).toBe(stale);
    expect(await sessions.countBy({ status: 'OPEN' })).toBe(0);
    expect(await h.services.charging.expireStaleSessions()).toBe(0);

    expect(await h.expectConsistent(account.id)).toMatchObject({ balanceCents: 1000 - 72, reservedCents: 0 });
    const late = await terminate({ sessionId: started.session!.id, usedUnits: 9 });
    expect(late.session).toMatchObject({ status: 'EXPIRED', usedUnits: 3, charged: { cents: 72 } });
    expect(await h.expectConsistent(account.id)).toMatchObject({ balanceCents: 928, reservedCents: 0 });
    expect((await update({ sessionId: other.session!.id, requestNumber: 1, usedUnits: 1, requestedUnits: 5 })).session).toMatchObject({ status: 'EXPIRED' });
    expect(await h.expectConsistent(lateTerminate.id)).toMatchObject({ balanceCents: 1000, reservedCents: 0 });
  });

  it('keeps a session alive while the network reports', async () => {
    const account = await h.openAccount('CONGSTAR', 1000);
    const started = await start({ accountId: account.id, service: 'VOICE', requestedUnits: 5 });
    h.clock.advanceMs(DEFAULT_SESSION_VALIDITY_MS - 1000);
    await update({ sessionId: started.session!.id, requestNumber: 1, usedUnits: 4, requestedUnits: 5 });
    h.clock.advanceMs(2000);
    expect(await h.services.charging.expireStaleSessions()).toBe(0);
    expect((await terminate({ sessionId: started.session!.id, usedUnits: 6 })).session!.charged.cents).toBe(54);
  });
});
