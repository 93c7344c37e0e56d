import { testDatabaseKind } from '../../common/src/testing/test-database';
import { errorCode } from '../../common/src/testing/graphql-client';
import { SERVICE, startAccountsHarness } from './support/accounts-harness';
import type { AccountsHarness } from './support/accounts-harness';

const CREDIT = `mutation($input: LedgerCreditInput!) { creditAccount(input: $input) { replayed entry { id } account { balance { cents } } } }`;
const DELAYED = `mutation($input: DelayedChargeInput!) { postDelayedCharge(input: $input) { entry { id } } }`;
const START = `mutation($input: StartChargingSessionInput!) { startChargingSession(input: $input) { id grantedUnits finalGrant } }`;
const TERMINATE = `mutation($input: TerminateChargingSessionInput!) { terminateChargingSession(input: $input) { charged { cents } } }`;

/** Deterministic amounts, so a failure reproduces. */
const amountFor = (i: number) => 37 + ((i * 7919) % 463);

describe(`concurrency on one account (${testDatabaseKind()})`, () => {
  let h: AccountsHarness;

  beforeAll(async () => {
    h = await startAccountsHarness();
  });
  afterAll(() => h?.close());

  it('100 concurrent charges and credits end at the arithmetic expectation, equal to the ledger sum', async () => {
    const account = await h.openAccount('CONGSTAR', 100_000);
    let expected = 100_000;
    const work: Promise<void>[] = [];
    for (let i = 0; i < 100; i += 1) {
      const amount = amountFor(i);
      if (i % 3 === 0) {
        expected += amount;
        work.push(
          h.call(SERVICE, CREDIT, {
            input: { accountId: account.id, amountCents: amount, kind: 'TOP_UP', reference: `c-${i}`, reason: 'Concurrent top-up' },
          }).then((response) => expect(response.errors).toBeUndefined()),
        );
      } else if (i % 3 === 1) {
        expected -= amount;
        work.push(
          h.call(SERVICE, DELAYED, {
            input: { accountId: account.id, chargeClass: 'ROAMING', amountCents: amount, reference: `d-${i}`, reason: 'Concurrent roaming' },
          }).then((response) => expect(response.errors).toBeUndefined()),
        );
      } else {
        const units = 1 + (i % 9);
        expected -= units * 9;
        const sessionId = `conc-${i}`;
        work.push(
          h.call<{ startChargingSession: { grantedUnits: number } }>(SERVICE, START, {
            input: { sessionId, accountId: account.id, service: 'VOICE', requestedUnits: units },
          }).then(async (started) => {
            expect(started.data?.startChargingSession.grantedUnits).toBe(units);
            const ended = await h.call(SERVICE, TERMINATE, { input: { sessionId, usedUnits: units } });
            expect(ended.errors).toBeUndefined();
          }),
        );
      }
    }
    await Promise.all(work);
    const after = await h.expectConsistent(account.id);
    expect(after.balanceCents).toBe(expected);
    expect(after.reservedCents).toBe(0);
    const page = await h.services.ledger.page(account.id, 100);
    expect(page.hasNextPage).toBe(true); // 1 setup + 100 entries
  });

  it('100 concurrent session starts never reserve more than the credit', async () => {
    const account = await h.openAccount('CONGSTAR', 1000);
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        h.call<{ startChargingSession: { grantedUnits: number } }>(SERVICE, START, {
          input: { sessionId: `race-${i}`, accountId: account.id, service: 'VOICE', requestedUnits: 10 },
        }),
      ),
    );
    const granted = answers.reduce((sum, answer) => sum + (answer.data?.startChargingSession.grantedUnits ?? 0), 0);
    const refused = answers.filter((answer) => errorCode(answer) === 'INSUFFICIENT_CREDIT').length;
    expect(granted).toBe(Math.floor(1000 / 9));
    expect(refused).toBe(100 - Math.ceil(Math.floor(1000 / 9) / 10));
    const after = await h.expectConsistent(account.id);
    expect(after.reservedCents).toBe(granted * 9);
    expect(after.balanceCents - after.reservedCents).toBeGreaterThanOrEqual(0);
  });

  it('20 concurrent retries of one credit reference move the money once', async () => {
    const account = await h.openAccount('CONGSTAR', 500);
    const input = { accountId: account.id, amountCents: 2500, kind: 'TOP_UP', reference: 'payments:order-42', reason: 'Top-up 25 €' };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        h.call<{ creditAccount: { replayed: boolean; entry: { id: string } } }>(SERVICE, CREDIT, { input }),
      ),
    );
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    expect(answers.filter((answer) => !answer.data!.creditAccount.replayed)).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.data!.creditAccount.entry.id)).size).toBe(1);
    expect((await h.expectConsistent(account.id)).balanceCents).toBe(3000);
  });
});
