import { errorCode } from '../../common/src/testing/graphql-client';
import { SpecChargingRules } from '../src/rules/charging-rules.provider';
import { ADMIN, OPERATOR, SERVICE, customer, partner, startAccountsHarness } from './support/accounts-harness';
import type { AccountsHarness } from './support/accounts-harness';

const CREDIT = `mutation($input: LedgerCreditInput!) {
  creditAccount(input: $input) {
    replayed
    entry { id kind cause reference reason amount { cents formatted } balanceAfter { cents } }
    account { id balance { cents } lastTopUpAt }
  }
}`;
const DEBIT = `mutation($input: LedgerDebitInput!) {
  debitAccount(input: $input) { replayed entry { id amount { cents } } account { balance { cents } } }
}`;
const DELAYED = `mutation($input: DelayedChargeInput!) {
  postDelayedCharge(input: $input) { entry { kind cause amount { cents } } account { balance { cents } owed { cents formatted } available { cents } } }
}`;
const LEDGER = `query($id: ID!, $first: Int, $after: String) {
  account(id: $id) {
    balance { cents }
    ledger(first: $first, after: $after) {
      edges { cursor node { id reference amount { cents } balanceAfter { cents } } }
      pageInfo { endCursor hasNextPage }
    }
  }
}`;

interface CreditData {
  creditAccount: {
    replayed: boolean;
    entry: { id: string; kind: string; cause: string; reference: string; amount: { cents: number; formatted: string }; balanceAfter: { cents: number } };
    account: { id: string; balance: { cents: number }; lastTopUpAt: string | null };
  };
}

describe('accounts ledger: internal credit/debit, pagination and explanation', () => {
  let h: AccountsHarness;

  beforeAll(async () => {
    h = await startAccountsHarness({
      rules: new SpecChargingRules({ negativeBalanceAllowed: { TELEKOM: ['ROAMING'] } }),
    });
  });
  afterAll(() => h?.close());

  it('credits once per reference: a retry returns the same entry, another amount is a CONFLICT', async () => {
    const account = await h.openAccount();
    const input = { accountId: account.id, amountCents: 1500, kind: 'TOP_UP', reference: 'top-up:order-1', reason: 'Top-up 15 €' };
    const first = await h.call<CreditData>(SERVICE, CREDIT, { input });
    expect(first.errors).toBeUndefined();
    expect(first.data!.creditAccount.replayed).toBe(false);
    expect(first.data!.creditAccount.entry).toMatchObject({ kind: 'TOP_UP', cause: 'TOP_UP', amount: { cents: 1500, formatted: '15,00\u00a0€' } });
    expect(first.data!.creditAccount.account.balance.cents).toBe(1500);
    expect(first.data!.creditAccount.account.lastTopUpAt).toBe(h.clock.now().toISOString());

    const retry = await h.call<CreditData>(SERVICE, CREDIT, { input });
    expect(retry.data!.creditAccount.replayed).toBe(true);
    expect(retry.data!.creditAccount.entry.id).toBe(first.data!.creditAccount.entry.id);
    expect(retry.data!.creditAccount.account.balance.cents).toBe(1500);

    const conflict = await h.call(SERVICE, CREDIT, { input: { ...input, amountCents: 2500 } });
    expect(errorCode(conflict)).toBe('CONFLICT');
    const asDebit = await h.call(SERVICE, DEBIT, { input: { ...input, kind: 'PAYOUT' } });
    expect(errorCode(asDebit)).toBe('CONFLICT');
    expect((await h.expectConsistent(account.id)).balanceCents).toBe(1500);
  });

  it('refuses bad input with a code and changes nothing', async () => {
    const account = await h.openAccount('CONGSTAR', 1000);
    const base = { accountId: account.id, amountCents: 100, kind: 'TOP_UP', reference: 'ref-ok', reason: 'ok' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, amountCents: 0 }, 'BAD_USER_INPUT'],
      [{ ...base, amountCents: -100 }, 'BAD_USER_INPUT'],
      [{ ...base, amountCents: 12.5 }, 'BAD_USER_INPUT'],
      [{ ...base, reference: 'has spaces in it' }, 'BAD_USER_INPUT'],
      [{ ...base, reference: 'x'.repeat(129) }, 'BAD_USER_INPUT'],
      [{ ...base, reason: '   ' }, 'BAD_USER_INPUT'],
      [{ ...base, kind: 'USAGE' }, 'BAD_USER_INPUT'],
      [{ ...base, accountId: '00000000-0000-4000-8000-999999999999' }, 'NOT_FOUND'],
    ];
    for (const [input, code] of cases) {
      const response = await h.call(SERVICE, CREDIT, { input });
      expect({ input, code: errorCode(response) }).toEqual({ input, code });
    }
    const tooMuch = await h.call(SERVICE, DEBIT, { input: { ...base, kind: 'PAYOUT', amountCents: 1001 } });
    expect(errorCode(tooMuch)).toBe('INSUFFICIENT_CREDIT');
    const after = await h.expectConsistent(account.id);
    expect(after.balanceCents).toBe(1000);
    const ledger = await h.services.ledger.page(account.id, 100);
    expect(ledger.entries).toHaveLength(1);
  });

  it('lets only service principals move money', async () => {
    const account = await h.openAccount();
    const input = { accountId: account.id, amountCents: 100, kind: 'TOP_UP', reference: 'sneaky', reason: 'free money' };
    for (const principal of [customer(account.id), partner('CONGSTAR'), OPERATOR, ADMIN]) {
      expect(errorCode(await h.call(principal, CREDIT, { input }))).toBe('FORBIDDEN');
    }
    expect((await h.reload(account.id)).balanceCents).toBe(0);
  });

  it('pages through the ledger newest first with the entry id as cursor', async () => {
    const account = await h.openAccount();
    for (let i = 1; i <= 5; i += 1) {
      await h.services.ledger.credit('TOP_UP', { accountId: account.id, amountCents: i * 100, reference: `page-${i}`, reason: `Top-up ${i}` });
    }
    type Page = { account: { ledger: { edges: { cursor: string; node: { reference: string; balanceAfter: { cents: number } } }[]; pageInfo: { endCursor: string; hasNextPage: boolean } } } };
    const first = await h.call<Page>(customer(account.id), LEDGER, { id: account.id, first: 2 });
    expect(first.errors).toBeUndefined();
    expect(first.data!.account.ledger.edges.map((edge) => edge.node.reference)).toEqual(['page-5', 'page-4']);
    expect(first.data!.account.ledger.edges[0]!.node.balanceAfter.cents).toBe(1500);
    expect(first.data!.account.ledger.pageInfo.hasNextPage).toBe(true);
    const second = await h.call<Page>(customer(account.id), LEDGER, { id: account.id, first: 2, after: first.data!.account.ledger.pageInfo.endCursor });
    expect(second.data!.account.ledger.edges.map((edge) => edge.node.reference)).toEqual(['page-3', 'page-2']);
    const third = await h.call<Page>(customer(account.id), LEDGER, { id: account.id, first: 2, after: second.data!.account.ledger.pageInfo.endCursor });
    expect(third.data!.account.ledger.edges.map((edge) => edge.node.reference)).toEqual(['page-1']);
    expect(third.data!.account.ledger.pageInfo.hasNextPage).toBe(false);

    expect(errorCode(await h.call(customer(account.id), LEDGER, { id: account.id, first: 0 }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await h.call(customer(account.id), LEDGER, { id: account.id, first: 101 }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await h.call(customer(account.id), LEDGER, { id: account.id, after: 'abc' }))).toBe('BAD_USER_INPUT');
    const other = await h.openAccount();
    expect(errorCode(await h.call(customer(other.id), LEDGER, { id: account.id }))).toBe('NOT_FOUND');
  });

  it('lets delayed charges go negative only for allowed brand and class, and a top-up settles the debt', async () => {
    const telekom = await h.openAccount('TELEKOM', 300);
    const charge = (accountId: string, chargeClass: string, amountCents: number, reference: string) =>
      h.call<{ postDelayedCharge: { account: { balance: { cents: number }; owed: { cents: number; formatted: string } } } }>(SERVICE, DELAYED, {
        input: { accountId, chargeClass, amountCents, reference, reason: `${chargeClass} charge` },
      });

    const roaming = await charge(telekom.id, 'ROAMING', 500, 'cdr-roaming-1');
    expect(roaming.errors).toBeUndefined();
    expect(roaming.data!.postDelayedCharge.account.balance.cents).toBe(-200);
    expect(roaming.data!.postDelayedCharge.account.owed).toEqual({ cents: 200, formatted: '2,00\u00a0€' });

    // Same brand, class not allowed: refused and nothing moves.
    expect(errorCode(await charge(telekom.id, 'PREMIUM', 100, 'cdr-premium-1'))).toBe('INSUFFICIENT_CREDIT');
    // Another brand, roaming not stated in its terms: refused.
    const congstar = await h.openAccount('CONGSTAR', 300);
    expect(errorCode(await charge(congstar.id, 'ROAMING', 500, 'cdr-roaming-2'))).toBe('INSUFFICIENT_CREDIT');
    // A delayed charge that fits is fine anywhere.
    expect((await charge(congstar.id, 'PREMIUM', 300, 'cdr-premium-2')).data!.postDelayedCharge.account.balance.cents).toBe(0);

    const topUp = await h.services.ledger.credit('TOP_UP', { accountId: telekom.id, amountCents: 1500, reference: 'settle', reason: 'Top-up' });
    expect(topUp.account.balanceCents).toBe(1300);
    expect((await h.expectConsistent(telekom.id)).balanceCents).toBe(1300);
    expect((await h.expectConsistent(congstar.id)).balanceCents).toBe(0);
  });

  it('explains where credit went since the last top-up', async () => {
    const account = await h.openAccount('TELEKOM', 1000);
    await h.services.ledger.post({ accountId: account.id, kind: 'USAGE', cause: 'DATA_PER_MB', amountCents: -240, reference: 'old-data', reason: 'data' });
    await h.services.ledger.credit('TOP_UP', { accountId: account.id, amountCents: 1500, reference: 'latest-top-up', reason: 'Top-up 15 €' });
    await h.services.ledger.post({ accountId: account.id, kind: 'OPTION_FEE', cause: 'OPTION_REACTIVATION', amountCents: -999, reference: 'opt-1', reason: 'Allnet Flat reactivated' });
    await h.services.ledger.post({ accountId: account.id, kind: 'USAGE', cause: 'DATA_PER_MB', amountCents: -48, reference: 'data-1', reason: 'data' });
    await h.services.ledger.post({ accountId: account.id, kind: 'USAGE', cause: 'DATA_PER_MB', amountCents: -72, reference: 'data-2', reason: 'data' });
    await h.services.ledger.post({ accountId: account.id, kind: 'THIRD_PARTY_CHARGE', cause: 'THIRD_PARTY', amountCents: -299, reference: 'tp-1', reason: 'Game subscription' });

    const response = await h.call<{
      account: { creditExplanation: { since: { reference: string }; spent: { cents: number }; uses: { cause: string; total: { cents: number }; count: number; explanation: string }[] } };
    }>(customer(account.id), `query($id: ID!) { account(id: $id) { creditExplanation {
      since { reference } spent { cents } uses { kind cause total { cents } count explanation } } } }`, { id: account.id });
    expect(response.errors).toBeUndefined();
    const explanation = response.data!.account.creditExplanation;
    expect(explanation.since.reference).toBe('latest-top-up');
    expect(explanation.spent.cents).toBe(999 + 48 + 72 + 299);
    expect(explanation.uses.map((use) => [use.cause, use.total.cents, use.count])).toEqual([
      ['OPTION_REACTIVATION', 999, 1],
      ['THIRD_PARTY', 299, 1],
      ['DATA_PER_MB', 120, 2],
    ]);
    expect(explanation.uses[0]!.explanation).toMatch(/paused .* reactivated/);
    expect(explanation.uses[1]!.explanation).toMatch(/Drittanbietersperre/);
  });
});
