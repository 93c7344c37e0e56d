import { DEMO_ACCOUNTS } from '../subgraphs/accounts/src/services/demo-data.service';
import type { Principal } from '../subgraphs/common/src/principal';
import { callSubgraphAs, errorCode } from '../subgraphs/common/src/testing/graphql-client';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

const demo = (brand: string, withCredit = true) => DEMO_ACCOUNTS.find((account) => account.brandCode === brand && (account.topUpCents > 0) === withCredit)!;

/** A congstar frontend must never see or touch a Telekom account, and a customer only their own. */
describe('brand isolation through every path', () => {
  let stack: TestStack;
  let congstarPartner: string;
  let service: string;
  const congstar = demo('CONGSTAR');
  const telekom = demo('TELEKOM');
  const congstarPrincipal: Principal = { role: 'partner', subject: 'congstar-app', brand: 'CONGSTAR' };
  let telekomTopUpId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.seedDemoData();
    congstarPartner = await stack.token({ role: 'partner', brand: 'CONGSTAR', sub: 'congstar-app' });
    service = await stack.token({ role: 'service' });
    const telekomPartner = await stack.token({ role: 'partner', brand: 'TELEKOM' });
    const created = await stack.query<{ createTopUp: { id: string } }>(
      telekomPartner,
      'mutation($input: CreateTopUpInput!) { createTopUp(input: $input) { id } }',
      { input: { accountId: telekom.id, amountCents: 1500, channel: 'APP_WEB', idempotencyKey: 'isolation-telekom-1' } },
    );
    expect(created.errors).toBeUndefined();
    telekomTopUpId = created.data!.createTopUp.id;
  });
  afterAll(() => stack?.stop());

  it('root queries: another brand\'s account by id or number is not found', async () => {
    expect(errorCode(await stack.query(congstarPartner, 'query($id: ID!) { account(id: $id) { id } }', { id: telekom.id }))).toBe('NOT_FOUND');
    expect(errorCode(await stack.query(congstarPartner, 'query($m: String!) { accountByMsisdn(msisdn: $m) { id } }', { m: telekom.msisdn }))).toBe('NOT_FOUND');
    const own = await stack.query<{ account: { id: string } }>(congstarPartner, 'query($id: ID!) { account(id: $id) { id } }', { id: congstar.id });
    expect(own.data?.account.id).toBe(congstar.id);
  });

  it('entity references sent straight to each subgraph: another brand\'s account yields nothing', async () => {
    const { config } = stack;
    const reference = { __typename: 'Account', id: telekom.id, brandCode: 'TELEKOM' };
    const accounts = await callSubgraphAs<{ _entities: unknown[] }>(
      config,
      stack.subgraphs.accounts.url,
      congstarPrincipal,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { id msisdn balance { cents } } } }',
      { r: [{ __typename: 'Account', id: telekom.id }] },
    );
    expect(accounts.data?._entities).toEqual([null]);
    const payments = await callSubgraphAs<{ _entities: { topUps: { nodes: unknown[] }; autoTopUp: unknown }[] }>(
      config,
      stack.subgraphs.payments.url,
      congstarPrincipal,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { topUps(first: 10) { nodes { id } } autoTopUp { armed } } } }',
      { r: [reference] },
    );
    expect(payments.data?._entities).toEqual([{ topUps: { nodes: [] }, autoTopUp: null }]);
    const refunds = await callSubgraphAs<{ _entities: { payouts: unknown[] }[] }>(
      config,
      stack.subgraphs.refunds.url,
      congstarPrincipal,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { payouts { id } } } }',
      { r: [reference] },
    );
    expect(refunds.data?._entities).toEqual([{ payouts: [] }]);
    // A representation lying about the brand does not help: accounts decides, by the stored account.
    const lying = await callSubgraphAs<{ _entities: unknown[] }>(
      config,
      stack.subgraphs.accounts.url,
      congstarPrincipal,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { id } } }',
      { r: [{ __typename: 'Account', id: telekom.id, brandCode: 'CONGSTAR' }] },
    );
    expect(lying.data?._entities).toEqual([null]);
  });

  it('ids of top-ups and payouts of another brand are not found; notifications are out of reach', async () => {
    expect(errorCode(await stack.query(congstarPartner, 'query($id: ID!) { topUp(id: $id) { id } }', { id: telekomTopUpId }))).toBe('NOT_FOUND');
    expect(errorCode(await stack.query(congstarPartner, 'query($id: ID!) { payout(id: $id) { id } }', { id: telekomTopUpId }))).toBe('NOT_FOUND');
    expect(errorCode(await stack.query(congstarPartner, 'mutation($id: ID!) { cancelTopUp(id: $id) { id } }', { id: telekomTopUpId }))).toBe('NOT_FOUND');
    const nested = await stack.query(congstarPartner, 'query($id: ID!) { account(id: $id) { notifications(first: 5) { id } } }', { id: telekom.id });
    expect(nested.data).toBeNull();
    expect(errorCode(nested)).toBe('NOT_FOUND');
    const telekomOrder = await stack.query<{ topUp: { status: string } }>(service, 'query($id: ID!) { topUp(id: $id) { status } }', { id: telekomTopUpId });
    expect(telekomOrder.data?.topUp.status).toBe('PENDING');
  });

  it('writes against another brand\'s account are refused as not found and change nothing', async () => {
    const before = await stack.query<{ account: { balance: { cents: number }; thirdPartyBlock: boolean } }>(
      service,
      'query($id: ID!) { account(id: $id) { balance { cents } thirdPartyBlock } }',
      { id: telekom.id },
    );
    const block = await stack.query(congstarPartner, 'mutation($id: ID!) { setThirdPartyBlock(accountId: $id, blocked: true) { id } }', { id: telekom.id });
    expect(errorCode(block)).toBe('NOT_FOUND');
    const topUp = await stack.query(congstarPartner, 'mutation($input: CreateTopUpInput!) { createTopUp(input: $input) { id } }', {
      input: { accountId: telekom.id, amountCents: 1500, channel: 'APP_WEB', idempotencyKey: 'isolation-cross-1' },
    });
    expect(errorCode(topUp)).toBe('NOT_FOUND');
    const after = await stack.query(service, 'query($id: ID!) { account(id: $id) { balance { cents } thirdPartyBlock } }', { id: telekom.id });
    expect(after.data).toEqual(before.data);
  });

  it('lists and aggregates cover only the partner\'s brand', async () => {
    const list = await stack.query<{ accounts: { edges: { node: { brandCode: string } }[]; totalCount: number; totalBalance: { cents: number } } }>(
      congstarPartner,
      '{ accounts(first: 100) { edges { node { brandCode } } totalCount totalBalance { cents } } }',
    );
    expect(list.errors).toBeUndefined();
    expect(list.data!.accounts.edges.every((edge) => edge.node.brandCode === 'CONGSTAR')).toBe(true);
    const congstarDemo = DEMO_ACCOUNTS.filter((account) => account.brandCode === 'CONGSTAR');
    expect(list.data!.accounts.totalCount).toBe(congstarDemo.length);
    expect(list.data!.accounts.totalBalance.cents).toBe(congstarDemo.reduce((sum, account) => sum + account.topUpCents - account.usageCents, 0));

    const asked = await stack.query<{ accounts: { edges: unknown[]; totalCount: number } }>(
      congstarPartner,
      '{ accounts(first: 100, filter: { brand: "TELEKOM" }) { edges { cursor } totalCount } }',
    );
    expect(asked.data?.accounts ?? { edges: [], totalCount: 0 }).toEqual({ edges: [], totalCount: 0 });

    const totals = await stack.query<{ payoutTotalsByBrand: { brandCode: string }[] }>(congstarPartner, '{ payoutTotalsByBrand { brandCode } }');
    expect(totals.errors).toBeUndefined();
    expect(totals.data!.payoutTotalsByBrand.every((row) => row.brandCode === 'CONGSTAR')).toBe(true);
    const pending = await stack.query<{ pendingPayouts: { nodes: { brandCode: string }[] } }>(congstarPartner, '{ pendingPayouts(first: 50) { nodes { brandCode } } }');
    expect(pending.errors).toBeUndefined();
    expect(pending.data!.pendingPayouts.nodes.every((node) => node.brandCode === 'CONGSTAR')).toBe(true);
  });

  it('keeps a customer to their own account on every path', async () => {
    const customer = await stack.token({ role: 'customer', account_id: congstar.id });
    expect(errorCode(await stack.query(customer, 'query($id: ID!) { account(id: $id) { id } }', { id: telekom.id }))).toBe('NOT_FOUND');
    expect(errorCode(await stack.query(customer, '{ accounts(first: 5) { totalCount } }'))).toBe('FORBIDDEN');
    expect(errorCode(await stack.query(customer, 'query($id: ID!) { topUp(id: $id) { id } }', { id: telekomTopUpId }))).toBe('NOT_FOUND');
    const me = await stack.query<{ me: { id: string; topUps: { nodes: unknown[] } } }>(customer, '{ me { id topUps(first: 5) { nodes { id } } } }');
    expect(me.data?.me.id).toBe(congstar.id);
  });
});
