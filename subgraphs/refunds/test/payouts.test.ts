import { errorCode } from '../../common/src/testing/graphql-client';
import { PayoutEntity } from '../src/entities/payout.entity';
import { pain001Totals, validatePain001 } from './support/pain001';
import { ADMIN, IBAN, IBAN_MASKED, OPERATOR, PAYOUT_FIELDS, SERVICE, customer, partner, startRefundsHarness } from './support/refunds-harness';
import type { PayoutView, RefundsHarness } from './support/refunds-harness';

const declaration = (accountId: string, reason: 'TERMINATION' | 'QUARTERLY', extra: Record<string, unknown> = {}) => ({
  accountId,
  holderName: 'Jürgen Groß',
  iban: 'DE89 3704 0044 0532 0130 00',
  reason,
  ...extra,
});

describe('refunds: payouts of remaining credit', () => {
  let h: RefundsHarness;

  beforeAll(async () => {
    h = await startRefundsHarness();
  });
  afterAll(() => h?.close());

  it('pays out a terminated contract in full, free of charge: request -> approve -> export -> paid', async () => {
    const accountId = await h.openAccount('CONGSTAR', 1265, 'TERMINATED');
    const requested = await h.requestPayout(customer(accountId), declaration(accountId, 'TERMINATION'));
    expect(requested.errors).toBeUndefined();
    const payout = requested.data!.requestPayout;
    expect(payout).toMatchObject({ status: 'REQUESTED', reason: 'TERMINATION', amount: { cents: 1265 }, fee: { cents: 0 }, iban: 'DE89 3704 0044 0532 0130 00' });
    expect((await h.account(accountId)).balanceCents).toBe(1265);

    // Only the customer sees the full IBAN; at rest it is encrypted.
    const asPartner = await h.call<{ payout: PayoutView }>(partner('CONGSTAR'), `query($id: ID!) { payout(id: $id) { ${PAYOUT_FIELDS} } }`, { id: payout.id });
    expect(asPartner.data!.payout.iban).toBe(IBAN_MASKED);
    const row = await h.refunds.dataSource.getRepository(PayoutEntity).findOneByOrFail({ id: payout.id });
    expect(row.ibanEncrypted).not.toContain('3704');

    const approved = await h.act(ADMIN, 'approvePayout', payout.id);
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approvePayout).toMatchObject({ status: 'APPROVED', debited: true, amount: { cents: 1265 } });
    expect((await h.account(accountId)).balanceCents).toBe(0);
    // Approving again (a retry) moves nothing.
    expect((await h.act(ADMIN, 'approvePayout', payout.id)).data!.approvePayout.status).toBe('APPROVED');

    expect(errorCode(await h.act(ADMIN, 'markPayoutPaid', payout.id))).toBe('CONFLICT'); // not sent to the bank yet
    const exported = await h.call<{ exportPayoutBatch: { id: string; transactionCount: number; controlSum: { cents: number }; payoutIds: string[]; xml: string } }>(
      ADMIN,
      'mutation { exportPayoutBatch { id transactionCount controlSum { cents } payoutIds xml } }',
    );
    expect(exported.errors).toBeUndefined();
    const batch = exported.data!.exportPayoutBatch;
    expect(batch.payoutIds).toEqual([payout.id]);
    await validatePain001(batch.xml);
    expect(pain001Totals(batch.xml)).toEqual({ headerCount: 1, blockCount: 1, headerSumCents: 1265, blockSumCents: 1265, amountsCents: [1265] });
    expect(batch.xml).toContain(`<IBAN>${IBAN}</IBAN>`);

    const paid = await h.act(SERVICE, 'markPayoutPaid', payout.id);
    expect(paid.data!.markPayoutPaid).toMatchObject({ status: 'PAID', fee: { cents: 0 }, batchId: batch.id });
    const payouts = (await h.ledger(accountId)).filter((entry) => entry.kind === 'PAYOUT');
    expect(payouts.map((entry) => [entry.reference, entry.amountCents])).toEqual([[payout.id, -1265]]);
    expect((await h.account(accountId)).balanceCents).toBe(0);
    // Nothing left: a second termination payout is refused.
    expect(errorCode(await h.requestPayout(customer(accountId), declaration(accountId, 'TERMINATION')))).toBe('INSUFFICIENT_CREDIT');
  });

  it('refuses bad bank details with a field and a reason, and creates nothing', async () => {
    const accountId = await h.openAccount('CONGSTAR', 500, 'TERMINATED');
    const checksum = await h.requestPayout(customer(accountId), declaration(accountId, 'TERMINATION', { iban: 'DE88370400440532013000' }));
    expect(errorCode(checksum)).toBe('BAD_USER_INPUT');
    expect(checksum.errors![0]!.extensions).toMatchObject({ field: 'iban', reason: 'BAD_CHECKSUM' });
    const foreign = await h.requestPayout(customer(accountId), declaration(accountId, 'TERMINATION', { iban: 'BR1800360305000010009795493C1' }));
    expect(foreign.errors![0]!.extensions).toMatchObject({ field: 'iban', reason: 'NOT_SEPA' });
    const name = await h.requestPayout(customer(accountId), declaration(accountId, 'TERMINATION', { holderName: ' ' }));
    expect(name.errors![0]!.extensions).toMatchObject({ field: 'holderName' });
    expect(await h.refunds.dataSource.getRepository(PayoutEntity).countBy({ accountId })).toBe(0);
  });

  it('never pays out a negative balance: the answer states the amount owed', async () => {
    const accountId = await h.openAccount('CONGSTAR', 0, 'TERMINATED');
    await h.accounts.services.ledger.post({ accountId, kind: 'DELAYED_CHARGE', cause: 'ROAMING', amountCents: -350, reference: 'late-roaming', reason: 'Roaming', allowNegative: true });
    const refused = await h.requestPayout(customer(accountId), declaration(accountId, 'TERMINATION'));
    expect(errorCode(refused)).toBe('INSUFFICIENT_CREDIT');
    expect(refused.errors![0]!.extensions).toMatchObject({ reason: 'NEGATIVE_BALANCE', owedCents: 350 });
    expect(refused.errors![0]!.message).toContain('3,50');
    const eligibility = await h.call<{ _entities: { payoutEligibility: { eligible: boolean; reason: string; amount: { cents: number }; owed: { cents: number } } }[] }>(
      customer(accountId),
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Account { payoutEligibility { eligible reason amount { cents } owed { cents } } } } }`,
      { reps: [await h.representation(customer(accountId), accountId)] },
    );
    expect(eligibility.data!._entities[0]!.payoutEligibility).toEqual({ eligible: false, reason: 'NEGATIVE_BALANCE', amount: { cents: 0 }, owed: { cents: 350 } });
  });

  it('FONIC: quarterly payout keeps the SIM active, once per quarter; CONGSTAR has none', async () => {
    const fonic = await h.openAccount('FONIC', 2000);
    const first = await h.requestPayout(customer(fonic), declaration(fonic, 'QUARTERLY'));
    expect(first.errors).toBeUndefined();
    expect(first.data!.requestPayout).toMatchObject({ status: 'REQUESTED', quarter: '2025-Q1', amount: { cents: 2000 } });
    const approved = await h.act(ADMIN, 'approvePayout', first.data!.requestPayout.id);
    expect(approved.data!.approvePayout).toMatchObject({ status: 'APPROVED', debited: true });
    const account = await h.account(fonic);
    expect(account.status).toBe('ACTIVE');
    expect(account.balanceCents).toBe(0);

    await h.accounts.services.ledger.credit('TOP_UP', { accountId: fonic, amountCents: 1000, reference: 'fonic-again', reason: 'Top-up' });
    const second = await h.requestPayout(customer(fonic), declaration(fonic, 'QUARTERLY'));
    expect(errorCode(second)).toBe('CONFLICT');

    const congstar = await h.openAccount('CONGSTAR', 2000);
    const refused = await h.requestPayout(customer(congstar), declaration(congstar, 'QUARTERLY'));
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0]!.extensions).toMatchObject({ field: 'reason', reason: 'QUARTERLY_NOT_OFFERED' });
    expect((await h.account(congstar)).balanceCents).toBe(2000);
  });

  it('a rejected quarterly payout moves nothing and frees the quarter; a failed one brings the money back', async () => {
    const fonic = await h.openAccount('FONIC_MOBILE', 800);
    const first = (await h.requestPayout(customer(fonic), declaration(fonic, 'QUARTERLY'))).data!.requestPayout;
    expect(errorCode(await h.call(OPERATOR, 'mutation($id: ID!) { rejectPayout(id: $id, reason: "no") { id } }', { id: first.id }))).toBe('FORBIDDEN');
    const rejected = await h.call<{ rejectPayout: PayoutView }>(ADMIN, `mutation($id: ID!) { rejectPayout(id: $id, reason: "Name does not match") { ${PAYOUT_FIELDS} } }`, { id: first.id });
    expect(rejected.data!.rejectPayout).toMatchObject({ status: 'REJECTED', statusReason: 'Name does not match' });
    expect((await h.account(fonic)).balanceCents).toBe(800);

    const second = (await h.requestPayout(customer(fonic), declaration(fonic, 'QUARTERLY'))).data!.requestPayout;
    await h.act(ADMIN, 'approvePayout', second.id);
    expect((await h.account(fonic)).balanceCents).toBe(0);
    const failed = await h.call<{ markPayoutFailed: PayoutView }>(ADMIN, `mutation($id: ID!) { markPayoutFailed(id: $id, reason: "Account closed (AC04)") { ${PAYOUT_FIELDS} } }`, { id: second.id });
    expect(failed.data!.markPayoutFailed.status).toBe('FAILED');
    await h.call(ADMIN, `mutation($id: ID!) { markPayoutFailed(id: $id, reason: "Account closed (AC04)") { id } }`, { id: second.id });
    expect((await h.account(fonic)).balanceCents).toBe(800);
    const returns = (await h.ledger(fonic)).filter((entry) => entry.reference === `payout-return:${second.id}`);
    expect(returns.map((entry) => [entry.kind, entry.amountCents])).toEqual([['ADJUSTMENT', 800]]);
  });

  it('limits payout requests per account and day, with a retry time', async () => {
    const fonic = await h.openAccount('FONIC', 900);
    for (let i = 0; i < 5; i += 1) {
      const requested = await h.requestPayout(customer(fonic), declaration(fonic, 'QUARTERLY'));
      expect(requested.errors).toBeUndefined();
      await h.call(ADMIN, 'mutation($id: ID!) { rejectPayout(id: $id, reason: "try again") { id } }', { id: requested.data!.requestPayout.id });
    }
    const sixth = await h.requestPayout(customer(fonic), declaration(fonic, 'QUARTERLY'));
    expect(errorCode(sixth)).toBe('RATE_LIMITED');
    expect(sixth.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(await h.refunds.dataSource.getRepository(PayoutEntity).countBy({ accountId: fonic })).toBe(5);
  });

  it('10 concurrent requests for one account produce one payout', async () => {
    const fonic = await h.openAccount('FONIC', 1500);
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.requestPayout(customer(fonic), declaration(fonic, 'QUARTERLY'))));
    expect(answers.filter((answer) => !answer.errors)).toHaveLength(1);
    expect(answers.filter((answer) => answer.errors).map(errorCode)).toEqual(Array(9).fill('CONFLICT'));
    expect(await h.refunds.dataSource.getRepository(PayoutEntity).countBy({ accountId: fonic })).toBe(1);
  });

  it('keeps callers in scope: other customers and brands see NOT_FOUND, operators cannot act', async () => {
    const accountId = await h.openAccount('CONGSTAR', 300, 'TERMINATED');
    const other = await h.openAccount('CONGSTAR', 0);
    expect(errorCode(await h.requestPayout(customer(other), declaration(accountId, 'TERMINATION')))).toBe('NOT_FOUND');
    expect(errorCode(await h.requestPayout(partner('TELEKOM'), declaration(accountId, 'TERMINATION')))).toBe('NOT_FOUND');
    expect(errorCode(await h.requestPayout(OPERATOR, declaration(accountId, 'TERMINATION')))).toBe('FORBIDDEN');
    const payout = (await h.requestPayout(partner('CONGSTAR'), declaration(accountId, 'TERMINATION'))).data!.requestPayout;
    expect(payout.iban).toBe(IBAN_MASKED);
    expect(errorCode(await h.call(partner('TELEKOM'), 'query($id: ID!) { payout(id: $id) { id } }', { id: payout.id }))).toBe('NOT_FOUND');
    expect(errorCode(await h.act(OPERATOR, 'approvePayout', payout.id))).toBe('FORBIDDEN');
    expect(errorCode(await h.act(partner('CONGSTAR'), 'approvePayout', payout.id))).toBe('FORBIDDEN');

    const pending = await h.call<{ pendingPayouts: { nodes: PayoutView[]; totalCount: number } }>(partner('TELEKOM'), '{ pendingPayouts(first: 50) { nodes { id brandCode } totalCount } }');
    expect(pending.data!.pendingPayouts.nodes.every((node) => node.brandCode === 'TELEKOM')).toBe(true);
    const congstarPending = await h.call<{ pendingPayouts: { nodes: PayoutView[]; totalCount: number } }>(partner('CONGSTAR'), '{ pendingPayouts(first: 50) { nodes { id brandCode } totalCount } }');
    expect(congstarPending.data!.pendingPayouts.nodes.map((node) => node.id)).toContain(payout.id);
    const totals = await h.call<{ payoutTotalsByBrand: { brandCode: string; status: string; count: number; amount: { cents: number } }[] }>(
      partner('CONGSTAR'),
      '{ payoutTotalsByBrand { brandCode status count amount { cents } } }',
    );
    expect(new Set(totals.data!.payoutTotalsByBrand.map((row) => row.brandCode))).toEqual(new Set(['CONGSTAR']));
    expect(totals.data!.payoutTotalsByBrand.find((row) => row.status === 'REQUESTED')!.count).toBeGreaterThanOrEqual(1);
  });

  it('pages pending payouts oldest first with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const accountId = await h.openAccount('BLAU', 100 + i, 'TERMINATED');
      h.clock.advanceMs(1000);
      ids.push((await h.requestPayout(SERVICE, declaration(accountId, 'TERMINATION'))).data!.requestPayout.id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { data?: { pendingPayouts: { nodes: { id: string; brandCode: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null } = await h.call(
        partner('BLAU'),
        'query($after: String) { pendingPayouts(first: 2, after: $after) { nodes { id brandCode } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      seen.push(...page.data!.pendingPayouts.nodes.map((node) => node.id));
      if (!page.data!.pendingPayouts.pageInfo.hasNextPage) break;
      after = page.data!.pendingPayouts.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids);
  });

  it('records the termination entitlement idempotently and shows it in the eligibility', async () => {
    const accountId = await h.openAccount('O2', 700, 'TERMINATED');
    const mutation = `mutation($id: ID!) { openPayoutEntitlement(accountId: $id, brandCode: "O2", terminatedAt: "2025-02-28T23:00:00.000Z", initiatedBy: BRAND) }`;
    expect(errorCode(await h.call(ADMIN, mutation, { id: accountId }))).toBe('FORBIDDEN');
    for (let i = 0; i < 2; i += 1) expect((await h.call<{ openPayoutEntitlement: boolean }>(SERVICE, mutation, { id: accountId })).data!.openPayoutEntitlement).toBe(true);
    const eligibility = await h.call<{ _entities: { payoutEligibility: Record<string, unknown> }[] }>(
      customer(accountId),
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Account { payoutEligibility { eligible reason payoutReason amount { cents } terminatedBy } } } }`,
      { reps: [await h.representation(customer(accountId), accountId)] },
    );
    expect(eligibility.data!._entities[0]!.payoutEligibility).toEqual({ eligible: true, reason: 'CONTRACT_ENDED', payoutReason: 'TERMINATION', amount: { cents: 700 }, terminatedBy: 'BRAND' });
    const payout = (await h.requestPayout(customer(accountId), declaration(accountId, 'TERMINATION'))).data!.requestPayout;
    expect(payout.terminatedBy).toBe('BRAND');
  });

  it('a customer ending a running contract with the request: accounts terminates it first', async () => {
    const accountId = await h.openAccount('CONGSTAR', 900);
    const without = await h.requestPayout(customer(accountId), declaration(accountId, 'TERMINATION'));
    expect(without.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'terminateContract' });
    expect((await h.account(accountId)).status).toBe('ACTIVE');
    const requested = await h.requestPayout(customer(accountId), declaration(accountId, 'TERMINATION', { terminateContract: true }));
    expect(requested.errors).toBeUndefined();
    expect(requested.data!.requestPayout).toMatchObject({ terminatedBy: 'CUSTOMER', amount: { cents: 900 } });
    expect((await h.account(accountId)).status).toBe('TERMINATED');
  });

  it('quarterly standing order: the job pays out once per account and quarter', async () => {
    const fonic = await h.openAccount('FONIC', 1200);
    const congstar = await h.openAccount('CONGSTAR', 1200);
    const set = `mutation($input: QuarterlyPayoutOrderInput!) { setQuarterlyPayoutOrder(input: $input) { accountId holderName iban } }`;
    const refused = await h.call(customer(congstar), set, { input: { accountId: congstar, holderName: 'Eva Muster', iban: IBAN } });
    expect(refused.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUARTERLY_NOT_OFFERED' });
    const order = await h.call<{ setQuarterlyPayoutOrder: { iban: string } }>(customer(fonic), set, { input: { accountId: fonic, holderName: 'Eva Muster', iban: IBAN } });
    expect(order.data!.setQuarterlyPayoutOrder.iban).toBe('DE89 3704 0044 0532 0130 00');

    const run = () => h.call<{ runQuarterlyPayouts: number }>(SERVICE, 'mutation { runQuarterlyPayouts }');
    expect(errorCode(await h.call(ADMIN, 'mutation { runQuarterlyPayouts }'))).toBe('FORBIDDEN');
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.data!.runQuarterlyPayouts + b.data!.runQuarterlyPayouts).toBeGreaterThanOrEqual(1);
    expect((await run()).data!.runQuarterlyPayouts).toBe(0);
    const rows = await h.refunds.dataSource.getRepository(PayoutEntity).findBy({ accountId: fonic });
    expect(rows.map((row) => [row.status, row.source, row.amountCents])).toEqual([['APPROVED', 'STANDING_ORDER', 1200]]);
    expect((await h.account(fonic)).balanceCents).toBe(0);

    // Next quarter, with new credit, the job pays out again.
    await h.accounts.services.ledger.credit('TOP_UP', { accountId: fonic, amountCents: 400, reference: 'fonic-q2', reason: 'Top-up' });
    await h.refunds.dataSource.getRepository(PayoutEntity).update({ accountId: fonic }, { status: 'PAID', openKey: null });
    h.clock.set(new Date('2025-04-02T08:00:00.000Z'));
    expect((await run()).data!.runQuarterlyPayouts).toBe(1);
    expect((await h.account(fonic)).balanceCents).toBe(0);
  });
});
