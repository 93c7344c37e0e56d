import { errorCode } from '../../common/src/testing/graphql-client';
import { ADMIN, OPERATOR, SERVICE, customer, partner, startAccountsHarness } from './support/accounts-harness';
import type { AccountsHarness } from './support/accounts-harness';

const LIST = `query($filter: AccountFilter, $first: Int, $after: String) {
  accounts(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id brandCode status balance { cents } } }
    pageInfo { endCursor hasNextPage }
    totalCount
    totalBalance { cents formatted }
  }
}`;

interface ListData {
  accounts: {
    edges: { cursor: string; node: { id: string; brandCode: string; status: string; balance: { cents: number } } }[];
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
    totalCount: number;
    totalBalance: { cents: number; formatted: string };
  };
}

describe('accounts dashboard list', () => {
  let h: AccountsHarness;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await startAccountsHarness();
    ids.o2Rich = (await h.openAccount('O2', 1_500_000_000)).id;
    ids.o2Richer = (await h.openAccount('O2', 1_600_000_000)).id;
    ids.o2Empty = (await h.openAccount('O2')).id;
    ids.o2Inactive = (await h.openAccount('O2', 500)).id;
    await h.setStatus(ids.o2Inactive, 'INACTIVE');
    for (let i = 0; i < 5; i += 1) ids[`aldi${i}`] = (await h.openAccount('ALDI_TALK', (i + 1) * 100)).id;
  });
  afterAll(() => h?.close());

  it('sums balances beyond a 32-bit Int and counts the whole filtered set', async () => {
    const response = await h.call<ListData>(OPERATOR, LIST, { filter: { brand: 'O2' }, first: 2 });
    expect(response.errors).toBeUndefined();
    expect(response.data!.accounts.totalCount).toBe(4);
    expect(response.data!.accounts.totalBalance.cents).toBe(3_100_000_500);
    expect(response.data!.accounts.totalBalance.formatted).toBe('31.000.005,00\u00a0€');
    expect(response.data!.accounts.edges).toHaveLength(2);
    expect(response.data!.accounts.pageInfo.hasNextPage).toBe(true);
  });

  it('walks every page exactly once with the cursor', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const response: { data?: ListData | null } = await h.call<ListData>(ADMIN, LIST, { first: 3, after });
      const page: ListData['accounts'] = response.data!.accounts;
      seen.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen)).toEqual(new Set(Object.values(ids)));
  });

  it('filters by status and balance range', async () => {
    const inactive = await h.call<ListData>(OPERATOR, LIST, { filter: { status: 'INACTIVE' } });
    expect(inactive.data!.accounts.edges.map((edge) => edge.node.id)).toEqual([ids.o2Inactive]);
    const range = await h.call<ListData>(SERVICE, LIST, { filter: { minBalance: 200, maxBalance: 400 } });
    expect(new Set(range.data!.accounts.edges.map((edge) => edge.node.id))).toEqual(new Set([ids.aldi1, ids.aldi2, ids.aldi3]));
    expect(range.data!.accounts.totalBalance.cents).toBe(900);
    const empty = await h.call<ListData>(SERVICE, LIST, { filter: { maxBalance: 0 } });
    expect(empty.data!.accounts.edges.map((edge) => edge.node.id)).toEqual([ids.o2Empty]);
  });

  it('holds partners to their own brand whatever they filter for', async () => {
    const own = await h.call<ListData>(partner('ALDI_TALK'), LIST, {});
    expect(own.data!.accounts.totalCount).toBe(5);
    expect(own.data!.accounts.edges.every((edge) => edge.node.brandCode === 'ALDI_TALK')).toBe(true);
    const foreign = await h.call<ListData>(partner('ALDI_TALK'), LIST, { filter: { brand: 'O2' } });
    expect(foreign.data!.accounts).toMatchObject({ edges: [], totalCount: 0, totalBalance: { cents: 0 } });
    expect(errorCode(await h.call(customer(ids.o2Rich!), LIST, {}))).toBe('FORBIDDEN');
  });

  it('refuses nonsense filters and cursors', async () => {
    const cases: Record<string, unknown>[] = [
      { filter: { brand: 'NOPE' } },
      { filter: { minBalance: 500, maxBalance: 100 } },
      { first: 0 },
      { first: 1000 },
      { after: "x' OR 1=1 --" },
    ];
    for (const variables of cases) {
      expect({ variables, code: errorCode(await h.call(OPERATOR, LIST, variables)) }).toEqual({ variables, code: 'BAD_USER_INPUT' });
    }
  });
});
