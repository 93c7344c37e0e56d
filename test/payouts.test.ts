import { eventually } from '../subgraphs/common/src/testing/eventually';
import { randomUUID } from 'node:crypto';
import { errorCode } from '../subgraphs/common/src/testing/graphql-client';
import type { AccountsServices } from '../subgraphs/accounts/src/accounts.subgraph';
import { pain001Totals, validatePain001 } from '../subgraphs/refunds/test/support/pain001';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

const IBAN = 'DE89 3704 0044 0532 0130 00';


interface AccountView {
  status: string;
  balance: { cents: number };
  payouts: { id: string; status: string; amount: { cents: number }; fee: { cents: number } }[];
  ledger: { edges: { node: { kind: string; reference: string; amount: { cents: number } } }[] };
  payoutEligibility: { eligible: boolean; reason: string; terminatedBy: string | null };
}

describe('payouts of remaining credit end to end', () => {
  let stack: TestStack;
  let service: string;
  let admin: string;
  let accounts: AccountsServices;
  let counter = 0;

  const openAccount = async (brandCode: string, topUpCents: number): Promise<string> => {
    counter += 1;
    const msisdn = `+49160${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}${String(counter).padStart(3, '0')}`;
    const account = await accounts.accounts.open({ msisdn, brandCode });
    await accounts.ledger.credit('TOP_UP', { accountId: account.id, amountCents: topUpCents, reference: `e2e:${randomUUID()}`, reason: 'Test top-up' });
    return account.id;
  };

  const accountView = async (id: string): Promise<AccountView> => {
    const response = await stack.query<{ account: AccountView }>(
      admin,
      `query($id: ID!) { account(id: $id) {
        status balance { cents }
        payouts { id status amount { cents } fee { cents } }
        ledger(first: 100) { edges { node { kind reference amount { cents } } } }
        payoutEligibility { eligible reason terminatedBy }
      } }`,
      { id },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.account;
  };

  const requestPayout = (token: string, input: Record<string, unknown>) =>
    stack.query<{ requestPayout: { id: string; status: string; amount: { cents: number }; fee: { cents: number }; iban: string } }>(
      token,
      'mutation($input: RequestPayoutInput!) { requestPayout(input: $input) { id status amount { cents } fee { cents } iban } }',
      { input },
    );

  beforeAll(async () => {
    stack = await startTestStack();
    service = await stack.token({ role: 'service' });
    admin = await stack.token({ role: 'admin' });
    accounts = (stack.subgraphs.accounts as unknown as { services: AccountsServices }).services;
  });
  afterAll(() => stack?.stop());

  it('terminate -> request -> approve -> export -> paid: balance 0, TERMINATED, one payout entry of the full amount, fee 0', async () => {
    const accountId = await openAccount('CONGSTAR', 1735);
    const terminated = await stack.query<{ terminateAccount: { status: string } }>(
      service,
      'mutation($id: ID!) { terminateAccount(accountId: $id, initiatedBy: BRAND) { status } }',
      { id: accountId },
    );
    expect(terminated.errors).toBeUndefined();
    expect(terminated.data!.terminateAccount.status).toBe('TERMINATED');
    // Accounts tells refunds through its outbox; the entitlement shows up in the eligibility.
    const eligibility = await eventually(async () => {
      const view = await accountView(accountId);
      return view.payoutEligibility.terminatedBy === 'BRAND' && view.payoutEligibility;
    }, 'the payout entitlement');
    expect(eligibility).toMatchObject({ eligible: true, reason: 'CONTRACT_ENDED' });

    const customer = await stack.token({ role: 'customer', account_id: accountId });
    const requested = await requestPayout(customer, { accountId, holderName: 'Eva Muster', iban: IBAN, reason: 'TERMINATION' });
    expect(requested.errors).toBeUndefined();
    expect(requested.data!.requestPayout).toMatchObject({ status: 'REQUESTED', amount: { cents: 1735 }, fee: { cents: 0 }, iban: IBAN });
    const payoutId = requested.data!.requestPayout.id;

    const operator = await stack.token({ role: 'operator' });
    expect(errorCode(await stack.query(operator, 'mutation($id: ID!) { approvePayout(id: $id) { id } }', { id: payoutId }))).toBe('FORBIDDEN');
    const approved = await stack.query<{ approvePayout: { status: string; debited: boolean } }>(admin, 'mutation($id: ID!) { approvePayout(id: $id) { status debited } }', { id: payoutId });
    expect(approved.data!.approvePayout).toEqual({ status: 'APPROVED', debited: true });

    const exported = await stack.query<{ exportPayoutBatch: { payoutIds: string[]; controlSum: { cents: number }; transactionCount: number; xml: string } }>(
      admin,
      'mutation { exportPayoutBatch { payoutIds controlSum { cents } transactionCount xml } }',
    );
    expect(exported.errors).toBeUndefined();
    const batch = exported.data!.exportPayoutBatch;
    expect(batch.payoutIds).toEqual([payoutId]);
    await validatePain001(batch.xml);
    expect(pain001Totals(batch.xml)).toEqual({ headerCount: 1, blockCount: 1, headerSumCents: 1735, blockSumCents: 1735, amountsCents: [1735] });
    expect(batch).toMatchObject({ transactionCount: 1, controlSum: { cents: 1735 } });

    const paid = await stack.query<{ markPayoutPaid: { status: string } }>(admin, 'mutation($id: ID!) { markPayoutPaid(id: $id) { status } }', { id: payoutId });
    expect(paid.data!.markPayoutPaid.status).toBe('PAID');

    const view = await accountView(accountId);
    expect(view.status).toBe('TERMINATED');
    expect(view.balance.cents).toBe(0);
    expect(view.payouts).toEqual([{ id: payoutId, status: 'PAID', amount: { cents: 1735 }, fee: { cents: 0 } }]);
    const payoutEntries = view.ledger.edges.map((edge) => edge.node).filter((node) => node.kind === 'PAYOUT');
    expect(payoutEntries).toEqual([{ kind: 'PAYOUT', reference: payoutId, amount: { cents: -1735 } }]);
  });

  it('a customer terminating with the payout request: accounts ends the contract first', async () => {
    const accountId = await openAccount('TELEKOM', 480);
    const customer = await stack.token({ role: 'customer', account_id: accountId });
    const requested = await requestPayout(customer, { accountId, holderName: 'Eva Muster', iban: IBAN, reason: 'TERMINATION', terminateContract: true });
    expect(requested.errors).toBeUndefined();
    expect(requested.data!.requestPayout.amount.cents).toBe(480);
    expect((await accountView(accountId)).status).toBe('TERMINATED');
  });

  it('FONIC pays out quarterly and the SIM stays active; a second request this quarter and CONGSTAR are refused', async () => {
    const fonic = await openAccount('FONIC', 2500);
    const customer = await stack.token({ role: 'customer', account_id: fonic });
    const first = await requestPayout(customer, { accountId: fonic, holderName: 'Eva Muster', iban: IBAN, reason: 'QUARTERLY' });
    expect(first.errors).toBeUndefined();
    const approved = await stack.query<{ approvePayout: { status: string } }>(admin, 'mutation($id: ID!) { approvePayout(id: $id) { status } }', { id: first.data!.requestPayout.id });
    expect(approved.data!.approvePayout.status).toBe('APPROVED');
    const view = await accountView(fonic);
    expect(view.status).toBe('ACTIVE');
    expect(view.balance.cents).toBe(0);

    await accounts.ledger.credit('TOP_UP', { accountId: fonic, amountCents: 1000, reference: `e2e:${randomUUID()}`, reason: 'Top-up' });
    const second = await requestPayout(customer, { accountId: fonic, holderName: 'Eva Muster', iban: IBAN, reason: 'QUARTERLY' });
    expect(errorCode(second)).toBe('CONFLICT');

    const congstar = await openAccount('CONGSTAR', 2500);
    const congstarCustomer = await stack.token({ role: 'customer', account_id: congstar });
    const refused = await requestPayout(congstarCustomer, { accountId: congstar, holderName: 'Eva Muster', iban: IBAN, reason: 'QUARTERLY' });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect((await accountView(congstar)).balance.cents).toBe(2500);
  });

  it('10 concurrent payout requests for one account produce one payout', async () => {
    const accountId = await openAccount('CONGSTAR', 990);
    const customer = await stack.token({ role: 'customer', account_id: accountId });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => requestPayout(customer, { accountId, holderName: 'Eva Muster', iban: IBAN, reason: 'TERMINATION', terminateContract: true })),
    );
    expect(answers.filter((answer) => !answer.errors)).toHaveLength(1);
    expect(answers.filter((answer) => answer.errors).map(errorCode)).toEqual(Array(9).fill('CONFLICT'));
    const view = await accountView(accountId);
    expect(view.payouts).toHaveLength(1);
    expect(view.status).toBe('TERMINATED');
  });
});
