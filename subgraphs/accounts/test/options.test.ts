import { randomUUID } from 'node:crypto';
import { errorCode } from '../../common/src/testing/graphql-client';
import { AccountOptionEntity } from '../src/entities/account-option.entity';
import { addMonths } from '../src/services/option.service';
import { SERVICE, customer, partner, startAccountsHarness } from './support/accounts-harness';
import type { AccountsHarness } from './support/accounts-harness';

const BOOK = `mutation($accountId: ID!, $code: String!) {
  bookOption(accountId: $accountId, code: $code) { id code kind status renews paidPeriods fee { cents } covers periodStart periodEnd }
}`;
const CANCEL = `mutation($optionId: ID!) { cancelOption(optionId: $optionId) { id status renews } }`;
const BLOCK = `mutation($accountId: ID!, $blocked: Boolean!) { setThirdPartyBlock(accountId: $accountId, blocked: $blocked) { id thirdPartyBlock } }`;
const THIRD_PARTY = `mutation($input: ThirdPartyChargeInput!) { chargeThirdParty(input: $input) { replayed entry { kind cause amount { cents } } account { balance { cents } } } }`;

describe('options, packages and the third-party billing block', () => {
  let h: AccountsHarness;
  let sessions = 0;

  const topUp = (accountId: string, amountCents: number) =>
    h.services.ledger.credit('TOP_UP', { accountId, amountCents, reference: `top-up:${randomUUID()}`, reason: 'Top-up' });
  const useData = async (accountId: string, mb: number) => {
    const sessionId = `opt-data-${(sessions += 1)}`;
    const started = await h.services.charging.start({ sessionId, accountId, service: 'DATA', requestedUnits: mb });
    return { started, ended: await h.services.charging.terminate({ sessionId, usedUnits: mb }) };
  };
  const optionRow = (id: string) => h.subgraph.dataSource.getRepository(AccountOptionEntity).findOneByOrFail({ id });

  beforeAll(async () => {
    h = await startAccountsHarness();
  });
  afterAll(() => h?.close());

  it('books a data option, renews it, pauses it without credit, and a top-up reactivates it with a ledger entry saying so', async () => {
    const account = await h.openAccount('CONGSTAR', 1000);
    const booked = await h.call<{ bookOption: { id: string; status: string; fee: { cents: number }; covers: string[]; paidPeriods: number } }>(
      customer(account.id), BOOK, { accountId: account.id, code: 'DATA_OPTION' });
    expect(booked.errors).toBeUndefined();
    expect(booked.data!.bookOption).toMatchObject({ status: 'ACTIVE', fee: { cents: 499 }, covers: ['DATA', 'WHATSAPP_TEXT'], paidPeriods: 1 });
    const optionId = booked.data!.bookOption.id;
    expect((await h.expectConsistent(account.id)).balanceCents).toBe(501);

    // Data inside the option costs nothing and reserves nothing, but is a chargeable connection.
    const inside = await useData(account.id, 500);
    expect(inside.started).toMatchObject({ zeroRated: true, grantedUnits: 500, reservedCents: 0 });
    expect(inside.ended.chargedCents).toBe(0);
    expect((await h.reload(account.id)).lastChargeableUseAt?.toISOString()).toBe(h.clock.now().toISOString());

    // Month 2: the fee fits and is charged once, however many renewal runs overlap.
    h.clock.set(addMonths(h.clock.now(), 1));
    const runs = await Promise.all([h.services.options.renewDue(), h.services.options.renewDue(), h.services.options.renewDue()]);
    expect(runs.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(1);
    expect(await h.expectConsistent(account.id)).toMatchObject({ balanceCents: 2 });
    expect(await optionRow(optionId)).toMatchObject({ status: 'ACTIVE', paidPeriods: 2 });

    // Month 3: 2 cents do not cover the fee: paused, and data is per MB again (and does not fit).
    h.clock.set(addMonths(h.clock.now(), 1));
    await h.services.options.renewDue();
    expect(await optionRow(optionId)).toMatchObject({ status: 'PAUSED', paidPeriods: 2 });
    await expect(useData(account.id, 1)).rejects.toMatchObject({ code: 'INSUFFICIENT_CREDIT' });

    // The top-up brings the option back at once and says so in the ledger.
    await topUp(account.id, 1500);
    expect(await h.expectConsistent(account.id)).toMatchObject({ balanceCents: 1003 });
    expect(await optionRow(optionId)).toMatchObject({ status: 'ACTIVE', paidPeriods: 3, periodStart: h.clock.now() });
    const latest = (await h.services.ledger.page(account.id, 1)).entries[0]!;
    expect(latest).toMatchObject({ kind: 'OPTION_FEE', cause: 'OPTION_REACTIVATION', amountCents: -499 });
    expect(latest.reason).toMatch(/paused .*reactivated by this top-up/);
    const explanation = await h.services.ledger.explainSinceLastTopUp(account.id);
    expect(explanation.uses).toEqual([{ kind: 'OPTION_FEE', cause: 'OPTION_REACTIVATION', totalCents: 499, count: 1 }]);
  });

  it('charges data per MB once a canceled data option has ended', async () => {
    const account = await h.openAccount('CONGSTAR', 2000);
    const option = await h.services.options.book(account, 'DATA_OPTION');
    const canceled = await h.call<{ cancelOption: { status: string; renews: boolean } }>(customer(account.id), CANCEL, { optionId: option.id });
    expect(canceled.data!.cancelOption).toEqual({ id: option.id, status: 'ACTIVE', renews: false });
    expect((await useData(account.id, 10)).ended.chargedCents).toBe(0);

    h.clock.set(addMonths(h.clock.now(), 1));
    // No renewal run needed: charging settles due options itself.
    const perMb = await useData(account.id, 10);
    expect(perMb.started).toMatchObject({ zeroRated: false, unitPriceCents: 24 });
    expect(perMb.ended.chargedCents).toBe(240);
    expect(await optionRow(option.id)).toMatchObject({ status: 'ENDED' });
    expect(await h.expectConsistent(account.id)).toMatchObject({ balanceCents: 2000 - 499 - 240 });
    const explanation = await h.services.ledger.explainSinceLastTopUp(account.id);
    expect(explanation.uses.find((use) => use.cause === 'DATA_PER_MB')).toEqual({ kind: 'USAGE', cause: 'DATA_PER_MB', totalCents: 240, count: 1 });
  });

  it('sells 6- and 12-month packages upfront that cover the whole term without credit', async () => {
    // CONGSTAR: the top-up keeps the SIM valid 15 months, so after the 12-month term only credit is missing
    // (on O2 the validity of one top-up would end with the term too, and the SIM be refused as inactive).
    const account = await h.openAccount('CONGSTAR', 9900);
    const booked = await h.call<{ bookOption: { kind: string; fee: { cents: number }; periodEnd: string } }>(SERVICE, BOOK, { accountId: account.id, code: 'PACKAGE_12M' });
    expect(booked.data!.bookOption).toMatchObject({ kind: 'PACKAGE', fee: { cents: 9900 }, periodEnd: addMonths(h.clock.now(), 12).toISOString() });
    expect(await h.expectConsistent(account.id)).toMatchObject({ balanceCents: 0 });
    expect((await h.services.ledger.page(account.id, 1)).entries[0]).toMatchObject({ kind: 'PACKAGE_PURCHASE', cause: 'PACKAGE', amountCents: -9900 });

    h.clock.set(addMonths(h.clock.now(), 11));
    for (const service of ['VOICE', 'SMS', 'DATA'] as const) {
      const sessionId = `pkg-${service}-${(sessions += 1)}`;
      await h.services.charging.start({ sessionId, accountId: account.id, service, requestedUnits: 100 });
      expect((await h.services.charging.terminate({ sessionId, usedUnits: 100 })).chargedCents).toBe(0);
    }
    h.clock.set(addMonths(h.clock.now(), 1));
    await h.services.options.renewDue();
    expect((await h.services.options.listFor(account.id))[0]).toMatchObject({ status: 'PAUSED' });
    await expect(h.services.charging.start({ sessionId: `pkg-after-${(sessions += 1)}`, accountId: account.id, service: 'VOICE', requestedUnits: 1 })).rejects.toMatchObject({ code: 'INSUFFICIENT_CREDIT' });

    const six = await h.openAccount('O2', 6000);
    await h.services.options.book(six, 'PACKAGE_6M');
    expect(await h.expectConsistent(six.id)).toMatchObject({ balanceCents: 600 });
  });

  it('refuses bookings that cannot be made and changes nothing', async () => {
    const poor = await h.openAccount('CONGSTAR', 400);
    expect(errorCode(await h.call(SERVICE, BOOK, { accountId: poor.id, code: 'DATA_OPTION' }))).toBe('INSUFFICIENT_CREDIT');
    expect(errorCode(await h.call(SERVICE, BOOK, { accountId: poor.id, code: 'NO_SUCH_OFFER' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await h.call(SERVICE, BOOK, { accountId: poor.id, code: 'lower case' }))).toBe('BAD_USER_INPUT');
    const stranger = await h.openAccount('CONGSTAR', 5000);
    expect(errorCode(await h.call(customer(stranger.id), BOOK, { accountId: poor.id, code: 'ALLNET_FLAT' }))).toBe('NOT_FOUND');
    expect(errorCode(await h.call(partner('O2'), BOOK, { accountId: poor.id, code: 'ALLNET_FLAT' }))).toBe('NOT_FOUND');
    expect(await h.expectConsistent(poor.id)).toMatchObject({ balanceCents: 400 });
    expect(await h.services.options.listFor(poor.id)).toEqual([]);

    const rich = await h.openAccount('CONGSTAR', 5000);
    const option = await h.services.options.book(rich, 'ALLNET_FLAT');
    expect(errorCode(await h.call(SERVICE, BOOK, { accountId: rich.id, code: 'ALLNET_FLAT' }))).toBe('CONFLICT');
    expect(errorCode(await h.call(customer(stranger.id), CANCEL, { optionId: option.id }))).toBe('NOT_FOUND');
    await h.setStatus(rich.id, 'INACTIVE');
    expect(errorCode(await h.call(SERVICE, BOOK, { accountId: rich.id, code: 'DATA_OPTION' }))).toBe('SIM_INACTIVE');
    expect(await h.expectConsistent(rich.id)).toMatchObject({ balanceCents: 5000 - 999 });
  });

  it('refuses third-party charges while the block is on, and only then', async () => {
    const account = await h.openAccount('TELEKOM', 1000);
    const charge = (reference: string) =>
      h.call<{ chargeThirdParty: { replayed: boolean; account: { balance: { cents: number } } } }>(SERVICE, THIRD_PARTY, {
        input: { accountId: account.id, amountCents: 299, reference, reason: 'Game subscription (ExampleGames)' },
      });
    expect((await charge('tp-1')).data!.chargeThirdParty.account.balance.cents).toBe(701);

    const blocked = await h.call<{ setThirdPartyBlock: { thirdPartyBlock: boolean } }>(customer(account.id), BLOCK, { accountId: account.id, blocked: true });
    expect(blocked.data!.setThirdPartyBlock.thirdPartyBlock).toBe(true);
    expect(errorCode(await charge('tp-2'))).toBe('THIRD_PARTY_BLOCKED');
    // A retry of the charge made before the block is answered as before, not refused or charged again.
    expect((await charge('tp-1')).data!.chargeThirdParty).toMatchObject({ replayed: true, account: { balance: { cents: 701 } } });
    expect(await h.expectConsistent(account.id)).toMatchObject({ balanceCents: 701, thirdPartyBlock: true });

    expect(errorCode(await h.call(partner('O2'), BLOCK, { accountId: account.id, blocked: false }))).toBe('NOT_FOUND');
    await h.call(partner('TELEKOM'), BLOCK, { accountId: account.id, blocked: false });
    expect((await charge('tp-3')).data!.chargeThirdParty.account.balance.cents).toBe(402);
    expect(errorCode(await charge('tp-4'))).toBeUndefined();
    expect(errorCode(await h.call(SERVICE, THIRD_PARTY, { input: { accountId: account.id, amountCents: 500, reference: 'tp-5', reason: 'Too much' } }))).toBe('INSUFFICIENT_CREDIT');
    expect(await h.expectConsistent(account.id)).toMatchObject({ balanceCents: 103 });
  });
});
