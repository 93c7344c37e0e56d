import { randomUUID } from 'node:crypto';
import { FixedClock } from '../subgraphs/common/src/clock';
import { addMonths } from '../subgraphs/common/src/policy/calendar';
import type { AccountsServices } from '../subgraphs/accounts/src/accounts.subgraph';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

const T0 = new Date('2025-01-10T09:00:00.000Z');

interface Validity {
  validUntil: string | null;
  phase: string;
  nextPhase: string | null;
  nextTransitionAt: string | null;
  daysLeft: number | null;
  validityQueryCode: string | null;
}

const ACCOUNT = `query($id: ID!) {
  account(id: $id) {
    status
    balance { cents }
    validity { validUntil phase nextPhase nextTransitionAt daysLeft validityQueryCode }
  }
}`;
const CREDIT = `mutation($input: LedgerCreditInput!) { creditAccount(input: $input) { entry { reference } } }`;

let msisdnCounter = 0;
const msisdn = () => `+49176${String(Math.floor(Math.random() * 100000)).padStart(5, '0')}${String((msisdnCounter += 1)).padStart(3, '0')}`;

describe('validity through the gateway', () => {
  const clock = new FixedClock(T0);
  let stack: TestStack;
  let service: string;
  let operator: string;
  let accounts: AccountsServices;

  beforeAll(async () => {
    stack = await startTestStack({}, { clock });
    accounts = (stack.subgraphs.accounts as unknown as { services: AccountsServices }).services;
    service = await stack.token({ role: 'service' });
    operator = await stack.token({ role: 'operator' });
  });
  afterAll(() => stack?.stop());

  const open = async (brandCode: string) => (await accounts.accounts.open({ msisdn: msisdn(), brandCode })).id;

  const topUp = async (accountId: string, amountCents: number) => {
    const response = await stack.query(service, CREDIT, {
      input: { accountId, kind: 'TOP_UP', amountCents, reference: `topup:${randomUUID()}`, reason: 'Aufladung' },
    });
    expect(response.errors).toBeUndefined();
  };

  const account = async (accountId: string) => {
    const response = await stack.query<{ account: { status: string; balance: { cents: number }; validity: Validity } }>(operator, ACCOUNT, { id: accountId });
    expect(response.errors).toBeUndefined();
    return response.data!.account;
  };

  const runLifecycle = async () => {
    const response = await stack.query<{ runLifecycle: number }>(service, 'mutation { runLifecycle }');
    expect(response.errors).toBeUndefined();
    return response.data!.runLifecycle;
  };

  it('adds 6 months on O2 for a top-up of 1 cent, shown with the *102# code', async () => {
    clock.set(T0);
    const id = await open('O2');
    expect((await account(id)).validity).toMatchObject({ validUntil: addMonths(T0, 6).toISOString(), phase: 'ACTIVE', validityQueryCode: '*102#' });
    clock.set(addMonths(T0, 2));
    await topUp(id, 1);
    const after = await account(id);
    expect(after.balance.cents).toBe(1);
    expect(after.validity).toMatchObject({ validUntil: addMonths(T0, 12).toISOString(), phase: 'ACTIVE', nextPhase: 'INACTIVE', nextTransitionAt: addMonths(T0, 12).toISOString() });
  });

  it('gives 12 months for 15 EUR and 24 months for 30 EUR on ALDI Talk', async () => {
    clock.set(T0);
    const fifteen = await open('ALDI_TALK');
    const thirty = await open('ALDI_TALK');
    await topUp(fifteen, 1500);
    await topUp(thirty, 3000);
    expect((await account(fifteen)).validity.validUntil).toBe(addMonths(T0, 12).toISOString());
    expect((await account(thirty)).validity.validUntil).toBe(addMonths(T0, 24).toISOString());
  });

  it('makes a LIDL Connect SIM without top-up inactive after 12 months and deactivated a month later, with its credit intact', async () => {
    clock.set(T0);
    const id = await open('LIDL_CONNECT');
    // Credit that is not a top-up (e.g. a correction) leaves the validity alone.
    const credited = await stack.query(service, CREDIT, {
      input: { accountId: id, kind: 'ADJUSTMENT', amountCents: 1234, reference: `goodwill:${randomUUID()}`, reason: 'Kulanz' },
    });
    expect(credited.errors).toBeUndefined();
    expect((await account(id)).validity).toMatchObject({ phase: 'ACTIVE', validUntil: addMonths(T0, 12).toISOString(), nextPhase: 'INACTIVE' });

    clock.set(addMonths(T0, 12));
    expect(await runLifecycle()).toBeGreaterThanOrEqual(1);
    expect(await account(id)).toMatchObject({
      status: 'INACTIVE',
      balance: { cents: 1234 },
      validity: { phase: 'INACTIVE', nextPhase: 'DEACTIVATED', nextTransitionAt: addMonths(T0, 13).toISOString(), daysLeft: 0 },
    });

    clock.set(addMonths(T0, 13));
    expect(await runLifecycle()).toBeGreaterThanOrEqual(1);
    expect(await account(id)).toMatchObject({ status: 'DEACTIVATED', balance: { cents: 1234 }, validity: { phase: 'DEACTIVATED' } });
  });
});
