import { SubgraphClient } from '../../common/src/subgraph-client';
import { errorCode } from '../../common/src/testing/graphql-client';
import { AccountsHttpAdapter } from '../src/adapters/accounts-http.adapter';
import { PayoutEntity } from '../src/entities/payout.entity';
import type { AccountSnapshot } from '../src/ports/accounts.port';
import { ADMIN, IBAN, SERVICE, customer, partner, startRefundsHarness } from './support/refunds-harness';
import type { RefundsHarness } from './support/refunds-harness';

const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Account {
  payouts { id } quarterlyPayoutOrder { accountId } payoutEligibility { eligible reason amount { cents } terminatedBy }
} } }`;
const ELIGIBILITY = 'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Account { payoutEligibility { eligible reason amount { cents } } } } }';

interface AccountView {
  payouts: { id: string }[];
  quarterlyPayoutOrder: { accountId: string } | null;
  payoutEligibility: { eligible: boolean; reason: string; amount: { cents: number }; terminatedBy: string | null };
}

/**
 * payoutEligibility judges the account facts of the entity representation (@requires). Anyone with a
 * principal may send `_entities` straight to refunds, so made-up facts must neither move money nor
 * reveal another brand's payouts.
 */
describe('refunds: account facts from entity representations', () => {
  let h: RefundsHarness;
  /** Account ids refunds itself looked up in accounts, in order. */
  const lookups: string[] = [];

  beforeAll(async () => {
    h = await startRefundsHarness({
      accounts: (runtime) => {
        const adapter = new AccountsHttpAdapter(new SubgraphClient(runtime.config, 'accounts', 'refunds'));
        const findById = adapter.findById.bind(adapter);
        adapter.findById = (id: string): Promise<AccountSnapshot | null> => {
          lookups.push(id);
          return findById(id);
        };
        return adapter;
      },
    });
  });
  afterAll(() => h?.close());

  it('judges the representation the gateway passes, without asking accounts again', async () => {
    const accountId = await h.openAccount('CONGSTAR', 1200, 'TERMINATED');
    const representation = await h.representation(partner('CONGSTAR'), accountId);
    expect(representation).toMatchObject({ brandCode: 'CONGSTAR', status: 'TERMINATED', balance: { cents: 1200 }, available: { cents: 1200 }, owed: { cents: 0 } });
    lookups.length = 0;
    const answer = await h.call<{ _entities: AccountView[] }>(partner('CONGSTAR'), ENTITIES, { reps: [representation] });
    expect(answer.errors).toBeUndefined();
    expect(answer.data!._entities[0]!.payoutEligibility).toEqual({ eligible: true, reason: 'CONTRACT_ENDED', amount: { cents: 1200 }, terminatedBy: null });
    expect(lookups).toEqual([]);
  });

  it('a made-up balance changes only what is shown: the request and the debit use the ledger', async () => {
    const empty = await h.openAccount('CONGSTAR', 0, 'TERMINATED');
    const forged = { ...(await h.representation(customer(empty), empty)), balance: { cents: 100_000 }, available: { cents: 100_000 } };
    lookups.length = 0;
    const shown = await h.call<{ _entities: AccountView[] }>(customer(empty), ELIGIBILITY, { reps: [forged] });
    expect(shown.data!._entities[0]!.payoutEligibility).toMatchObject({ eligible: true, amount: { cents: 100_000 } });
    expect(lookups).toEqual([]);
    const refused = await h.requestPayout(customer(empty), { accountId: empty, holderName: 'Eva Muster', iban: IBAN, reason: 'TERMINATION' });
    expect(errorCode(refused)).toBe('INSUFFICIENT_CREDIT');
    expect(lookups).toEqual([empty]);
    expect(await h.refunds.dataSource.getRepository(PayoutEntity).countBy({ accountId: empty })).toBe(0);

    const some = await h.openAccount('CONGSTAR', 500, 'TERMINATED');
    const inflated = { ...(await h.representation(customer(some), some)), balance: { cents: 90_000 }, available: { cents: 90_000 } };
    expect((await h.call<{ _entities: AccountView[] }>(customer(some), ELIGIBILITY, { reps: [inflated] })).data!._entities[0]!.payoutEligibility.amount.cents).toBe(90_000);
    const requested = await h.requestPayout(customer(some), { accountId: some, holderName: 'Eva Muster', iban: IBAN, reason: 'TERMINATION' });
    expect(requested.errors).toBeUndefined();
    expect(requested.data!.requestPayout.amount.cents).toBe(500);
    lookups.length = 0;
    const approved = await h.act(ADMIN, 'approvePayout', requested.data!.requestPayout.id);
    expect(lookups).toEqual([some]);
    expect(approved.data!.approvePayout).toMatchObject({ status: 'APPROVED', debited: true, amount: { cents: 500 } });
    expect((await h.ledger(some)).filter((entry) => entry.kind === 'PAYOUT').map((entry) => entry.amountCents)).toEqual([-500]);
    expect((await h.account(some)).balanceCents).toBe(0);
  });

  it('a representation lying about the brand finds none of the other brand\'s payouts, entitlement or standing order', async () => {
    const fonic = await h.openAccount('FONIC', 2000);
    const order = await h.call(customer(fonic), 'mutation($input: QuarterlyPayoutOrderInput!) { setQuarterlyPayoutOrder(input: $input) { accountId } }', {
      input: { accountId: fonic, holderName: 'Eva Muster', iban: IBAN },
    });
    expect(order.errors).toBeUndefined();
    const requested = await h.requestPayout(customer(fonic), { accountId: fonic, holderName: 'Eva Muster', iban: IBAN, reason: 'QUARTERLY' });
    expect(requested.errors).toBeUndefined();
    await h.call(SERVICE, `mutation($id: ID!) { openPayoutEntitlement(accountId: $id, brandCode: "FONIC", terminatedAt: "2025-02-28T23:00:00.000Z", initiatedBy: BRAND) }`, {
      id: fonic,
    });
    const truthful = await h.representation(partner('FONIC'), fonic);
    const own = await h.call<{ _entities: AccountView[] }>(partner('FONIC'), ENTITIES, { reps: [truthful] });
    expect(own.data!._entities[0]).toEqual({
      payouts: [{ id: requested.data!.requestPayout.id }],
      quarterlyPayoutOrder: { accountId: fonic },
      payoutEligibility: { eligible: false, reason: 'PAYOUT_IN_PROGRESS', amount: { cents: 0 }, terminatedBy: 'BRAND' },
    });

    const lying = await h.call<{ _entities: AccountView[] }>(partner('CONGSTAR'), ENTITIES, { reps: [{ ...truthful, brandCode: 'CONGSTAR' }] });
    expect(lying.errors).toBeUndefined();
    expect(lying.data!._entities[0]).toEqual({
      payouts: [],
      quarterlyPayoutOrder: null,
      // Only what the caller made up itself: no open payout and no termination of the FONIC account.
      payoutEligibility: { eligible: true, reason: 'TERMINATION_REQUIRED', amount: { cents: 2000 }, terminatedBy: null },
    });

    const outOfScope = await h.call<{ _entities: AccountView[] }>(partner('CONGSTAR'), ENTITIES, { reps: [truthful] });
    expect(errorCode(outOfScope)).toBe('NOT_FOUND');
    const otherCustomer = await h.openAccount('FONIC', 0);
    expect(errorCode(await h.call(customer(otherCustomer), ELIGIBILITY, { reps: [truthful] }))).toBe('NOT_FOUND');
  });

  it('a representation without the required account facts is refused as bad input', async () => {
    const accountId = await h.openAccount('CONGSTAR', 300);
    const complete = await h.representation(customer(accountId), accountId);
    for (const broken of [
      { __typename: 'Account', id: accountId, brandCode: 'CONGSTAR' },
      { ...complete, status: 'GONE' },
      { ...complete, balance: { cents: '300' } },
      { ...complete, available: { cents: 1.5 } },
      { ...complete, owed: null },
    ]) {
      const answer = await h.call(customer(accountId), ELIGIBILITY, { reps: [broken] });
      expect(errorCode(answer)).toBe('BAD_USER_INPUT');
    }
    expect((await h.call<{ _entities: AccountView[] }>(customer(accountId), ELIGIBILITY, { reps: [complete] })).data!._entities[0]!.payoutEligibility).toEqual({
      eligible: true,
      reason: 'TERMINATION_REQUIRED',
      amount: { cents: 300 },
    });
  });
});
