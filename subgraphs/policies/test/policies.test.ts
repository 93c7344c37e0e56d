import { FixedClock } from '../../common/src/clock';
import type { Principal } from '../../common/src/principal';
import { callSubgraphAs, errorCode } from '../../common/src/testing/graphql-client';
import type { GraphQLResponse } from '../../common/src/testing/graphql-client';
import { startTestSubgraph } from '../../common/src/testing/test-subgraph';
import { startSubgraph } from '../../common/src/subgraph';
import type { TestSubgraph } from '../../common/src/testing/test-subgraph';
import type { PolicyDocument } from '../../common/src/policy/policy-document';
import { INITIAL_BRAND_POLICIES } from '../src/catalogue/brand-policy-catalogue';
import { createPoliciesSubgraph, policiesSubgraph } from '../src/policies.subgraph';
import type { PoliciesServices } from '../src/policies.subgraph';

const admin: Principal = { role: 'admin', subject: 'admin-alice' };
const operator: Principal = { role: 'operator', subject: 'operator-otto' };
const service: Principal = { role: 'service', subject: 'accounts' };
const partner: Principal = { role: 'partner', subject: 'partner-o2', brand: 'O2' };
const customer: Principal = { role: 'customer', subject: 'customer-1', accountId: 'a1' };

const NOW = new Date('2026-03-01T12:00:00.000Z');

/** A v1 document as publish input: the format version is the server's business. */
function asInput(document: PolicyDocument): Record<string, unknown> {
  const { schemaVersion: _ignored, ...input } = structuredClone(document);
  return input;
}

const PUBLISH = `mutation Publish($brand: ID!, $effectiveFrom: DateTimeISO, $policy: BrandPolicyInput!) {
  publishBrandPolicy(brand: $brand, effectiveFrom: $effectiveFrom, policy: $policy) {
    brandCode version effectiveFrom publishedAt
    policy { balanceQueryCode validity { topUp { tiers { minimumAmountCents months } } } }
  }
}`;

const HISTORY = `query($code: ID!, $at: DateTimeISO!) {
  brand(code: $code) {
    balanceQueryCode unknownFacts
    policy { version }
    policyAt(at: $at) { version effectiveFrom }
    policyHistory { version }
  }
}`;

describe('policies subgraph: versioned brand policies', () => {
  const clock = new FixedClock(NOW);
  let subgraph: TestSubgraph<PoliciesServices>;
  const call = <T = Record<string, unknown>>(principal: Principal, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> =>
    callSubgraphAs<T>(subgraph.config, subgraph.url, principal, query, variables);

  beforeAll(async () => {
    subgraph = await startTestSubgraph(createPoliciesSubgraph({ clock }));
  });
  afterAll(() => subgraph?.close());
  beforeEach(() => clock.set(NOW));

  it('ships version 1 of every brand from the domain rules, unknowns as null', async () => {
    const response = await call<{ brands: { code: string; policy: { version: number; effectiveFrom: string; policy: Record<string, any> } }[] }>( // eslint-disable-line @typescript-eslint/no-explicit-any
      customer,
      `{ brands { code policy { version effectiveFrom policy {
          network balanceQueryCode validityQueryCode lowBalanceThresholdCents negativeBalanceServiceClasses zeroRatedServices annualPackages { termMonths }
          topUp { minimumCents knownAmountsCents channelListComplete channels { kind exactAmountsCents contact provider paymentMethods } }
          validity { activationMonths chargeableUseKeepsActiveDays recommendedTopUpIntervalMonths
            topUp { effect maximumMonths reactivatesInactive tiers { minimumAmountCents months atLeast } }
            afterExpiry { inactiveMonths then }
            termination { monthsWithoutTopUpMin monthsWithoutTopUpMax advanceNoticeMinimumCount advanceNoticeDaysBefore } }
          payout { onTermination quarterlyWithoutTermination feeCents deductsSimDeposit deductsPortingFee includesInactiveCredit }
      } } } }`,
    );
    expect(response.errors).toBeUndefined();
    const byCode = Object.fromEntries(response.data!.brands.map((brand) => [brand.code, brand.policy]));
    expect(Object.keys(byCode)).toHaveLength(12);
    for (const version of Object.values(byCode)) {
      expect(version.version).toBe(1);
      expect(version.effectiveFrom).toBe('1970-01-01T00:00:00.000Z');
      expect(version.policy.payout).toMatchObject({ onTermination: true, feeCents: 0, deductsSimDeposit: false, deductsPortingFee: false });
      expect(version.policy.lowBalanceThresholdCents).toBeNull();
      expect(version.policy.negativeBalanceServiceClasses).toEqual([]);
    }
    expect(byCode.TELEKOM!.policy.topUp.channels).toEqual([
      { kind: 'WHATSAPP', exactAmountsCents: [1500, 2500, 5000], contact: '+49 170 8828422', provider: 'Liquix B.V.', paymentMethods: ['PAYPAL', 'SOFORTUEBERWEISUNG', 'VISA', 'MASTERCARD'] },
    ]);
    expect(byCode.CONGSTAR!.policy.topUp.channels[0]).toMatchObject({ kind: 'WHATSAPP', contact: null, provider: null });
    expect(byCode.O2!.policy).toMatchObject({ balanceQueryCode: '*101#', validityQueryCode: '*102#', topUp: { minimumCents: 1, knownAmountsCents: [500, 1000] } });
    expect(byCode.O2!.policy.validity).toMatchObject({ activationMonths: 6, topUp: { effect: 'EXTEND', tiers: [{ minimumAmountCents: 1, months: 6 }] } });
    expect(byCode.ALDI_TALK!.policy.validity.topUp).toMatchObject({
      maximumMonths: 24,
      tiers: [{ minimumAmountCents: 1, months: null }, { minimumAmountCents: 1500, months: 12 }, { minimumAmountCents: 3000, months: 24 }],
    });
    expect(byCode.LIDL_CONNECT!.policy.validity.afterExpiry).toEqual({ inactiveMonths: 1, then: 'DEACTIVATED' });
    expect(byCode.VODAFONE_CALLYA!.policy.validity).toMatchObject({ chargeableUseKeepsActiveDays: 90, topUp: { tiers: [{ months: null }, { minimumAmountCents: 2500, months: 15, atLeast: true }] } });
    expect(byCode.TELEKOM!.policy.validity.termination).toEqual({ monthsWithoutTopUpMin: 23, monthsWithoutTopUpMax: 24, advanceNoticeMinimumCount: 2, advanceNoticeDaysBefore: null });
    expect(byCode.EDEKA_SMART!.policy.validity).toMatchObject({ recommendedTopUpIntervalMonths: 12, termination: { monthsWithoutTopUpMax: 15 } });
    expect(byCode.FONIC!.policy.payout.quarterlyWithoutTermination).toBe(true);
    expect(byCode.FONIC_MOBILE!.policy.payout.quarterlyWithoutTermination).toBe(true);
    expect(byCode.BLAU!.policy.payout.quarterlyWithoutTermination).toBe(false);
    expect(byCode.WHATSAPP_SIM!.policy.zeroRatedServices).toEqual(['WHATSAPP_MESSAGES']);
    expect(byCode.BLAU!.policy).toMatchObject({ network: null, balanceQueryCode: null, annualPackages: null, validity: { topUp: null, termination: null } });
  });

  it('lists a brand\'s top-up channels and amounts as money', async () => {
    const response = await call<{ telekom: any; o2: any }>( // eslint-disable-line @typescript-eslint/no-explicit-any
      partner,
      `{ telekom: brand(code: "TELEKOM") { topUpOptions { channelListComplete minimum { cents } channels { kind contact exactAmounts { cents formatted } } } }
         o2: brand(code: "O2") { topUpOptions { minimum { cents } knownAmounts { cents } channels { kind } } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.telekom.topUpOptions).toEqual({
      channelListComplete: false,
      minimum: null,
      channels: [{
        kind: 'WHATSAPP',
        contact: '+49 170 8828422',
        exactAmounts: [
          { cents: 1500, formatted: '15,00\u00a0€' },
          { cents: 2500, formatted: '25,00\u00a0€' },
          { cents: 5000, formatted: '50,00\u00a0€' },
        ],
      }],
    });
    expect(response.data!.o2.topUpOptions).toEqual({ minimum: { cents: 1 }, knownAmounts: [{ cents: 500 }, { cents: 1000 }], channels: [] });
  });

  it('publishes a scheduled version: the past and the present keep theirs, the future gets the new one, and it is audited', async () => {
    const policy = asInput(INITIAL_BRAND_POLICIES.ALDI_TALK);
    (policy as any).balanceQueryCode = '*100#'; // eslint-disable-line @typescript-eslint/no-explicit-any
    (policy as any).validity.topUp.tiers[1].months = 13; // eslint-disable-line @typescript-eslint/no-explicit-any
    const effectiveFrom = '2026-04-01T00:00:00.000Z';
    const published = await call<{ publishBrandPolicy: any }>(admin, PUBLISH, { brand: 'ALDI_TALK', effectiveFrom, policy }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(published.errors).toBeUndefined();
    expect(published.data!.publishBrandPolicy).toEqual({
      brandCode: 'ALDI_TALK',
      version: 2,
      effectiveFrom,
      publishedAt: NOW.toISOString(),
      policy: {
        balanceQueryCode: '*100#',
        validity: { topUp: { tiers: [{ minimumAmountCents: 1, months: null }, { minimumAmountCents: 1500, months: 13 }, { minimumAmountCents: 3000, months: 24 }] } },
      },
    });

    const before = await call<{ brand: any }>(customer, HISTORY, { code: 'ALDI_TALK', at: '2026-02-01T00:00:00.000Z' }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(before.data!.brand).toEqual({
      balanceQueryCode: null,
      unknownFacts: ['balanceQueryCode', 'validityQueryCode'],
      policy: { version: 1 },
      policyAt: { version: 1, effectiveFrom: '1970-01-01T00:00:00.000Z' },
      policyHistory: [{ version: 2 }, { version: 1 }],
    });
    clock.set(new Date('2026-04-02T00:00:00.000Z'));
    const after = await call<{ brand: any }>(customer, HISTORY, { code: 'ALDI_TALK', at: '2026-03-31T23:59:59.999Z' }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(after.data!.brand).toMatchObject({ balanceQueryCode: '*100#', unknownFacts: ['validityQueryCode'], policy: { version: 2 }, policyAt: { version: 1 } });

    const audit = await call<{ brandPolicyAudit: any[] }>( // eslint-disable-line @typescript-eslint/no-explicit-any
      operator,
      `{ brandPolicyAudit(brand: "ALDI_TALK") { brandCode version action actor actorRole at effectiveFrom beforeVersion changedFields
          before { validity { topUp { tiers { months } } } } after { validity { topUp { tiers { months } } } } } }`,
    );
    expect(audit.errors).toBeUndefined();
    expect(audit.data!.brandPolicyAudit).toEqual([
      {
        brandCode: 'ALDI_TALK', version: 2, action: 'PUBLISHED', actor: 'admin-alice', actorRole: 'admin', at: NOW.toISOString(), effectiveFrom, beforeVersion: 1,
        changedFields: ['balanceQueryCode', 'validity.topUp.tiers[1].months'],
        before: { validity: { topUp: { tiers: [{ months: null }, { months: 12 }, { months: 24 }] } } },
        after: { validity: { topUp: { tiers: [{ months: null }, { months: 13 }, { months: 24 }] } } },
      },
      expect.objectContaining({ version: 1, action: 'SEEDED', actor: 'system:catalogue', beforeVersion: null, before: null, changedFields: [] }),
    ]);
  });

  it('refuses invalid policies with BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [];
    const whatsApp = asInput(INITIAL_BRAND_POLICIES.CONGSTAR) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    whatsApp.topUp.channels[0].exactAmountsCents = [1500, 2000];
    cases.push([whatsApp, 'policy.topUp.channels[0].exactAmountsCents']);
    const fee = asInput(INITIAL_BRAND_POLICIES.CONGSTAR) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    fee.payout.feeCents = 250;
    cases.push([fee, 'policy.payout.feeCents']);
    const deposit = asInput(INITIAL_BRAND_POLICIES.CONGSTAR) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    deposit.payout.deductsSimDeposit = true;
    cases.push([deposit, 'policy.payout.deductsSimDeposit']);
    const tiers = asInput(INITIAL_BRAND_POLICIES.CONGSTAR) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    tiers.validity.topUp.tiers = [{ minimumAmountCents: 3000, months: 24, atLeast: false }, { minimumAmountCents: 1500, months: 12, atLeast: false }];
    cases.push([tiers, 'policy.validity.topUp.tiers[1].minimumAmountCents']);

    for (const [policy, field] of cases) {
      const response = await call(admin, PUBLISH, { brand: 'CONGSTAR', policy });
      expect({ field, code: errorCode(response), reported: response.errors?.[0]?.extensions?.field }).toEqual({ field, code: 'BAD_USER_INPUT', reported: field });
      expect(response.errors![0]!.message).toContain(field);
    }
    const past = await call(admin, PUBLISH, { brand: 'CONGSTAR', effectiveFrom: '2026-02-28T00:00:00.000Z', policy: asInput(INITIAL_BRAND_POLICIES.CONGSTAR) });
    expect(errorCode(past)).toBe('BAD_USER_INPUT');
    expect(past.errors![0]!.extensions!.field).toBe('effectiveFrom');

    const history = await call<{ brand: { policyHistory: unknown[] } }>(admin, '{ brand(code: "CONGSTAR") { policyHistory { version } } }');
    expect(history.data!.brand.policyHistory).toEqual([{ version: 1 }]);
    const audit = await call<{ brandPolicyAudit: unknown[] }>(admin, '{ brandPolicyAudit(brand: "CONGSTAR") { version } }');
    expect(audit.data!.brandPolicyAudit).toEqual([{ version: 1 }]);
  });

  it('lets only admins publish, admins and operators read the audit, and services read brandPolicies', async () => {
    const policy = asInput(INITIAL_BRAND_POLICIES.BLAU);
    for (const principal of [operator, partner, customer, service]) {
      expect(errorCode(await call(principal, PUBLISH, { brand: 'BLAU', policy }))).toBe('FORBIDDEN');
    }
    for (const principal of [partner, customer, service]) {
      expect(errorCode(await call(principal, '{ brandPolicyAudit { id } }'))).toBe('FORBIDDEN');
    }
    for (const principal of [admin, operator, partner, customer]) {
      expect(errorCode(await call(principal, '{ brandPolicies(codes: ["O2"]) { version } }'))).toBe('FORBIDDEN');
    }
    expect(errorCode(await call(admin, PUBLISH, { brand: 'NO_SUCH_BRAND', policy }))).toBe('NOT_FOUND');
  });

  it('serves brandPolicies to other subgraphs, judged at the moment asked for', async () => {
    const policy = asInput(INITIAL_BRAND_POLICIES.NETZCLUB) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    policy.lowBalanceThresholdCents = 300;
    const published = await call(admin, PUBLISH, { brand: 'NETZCLUB', policy });
    expect(published.errors).toBeUndefined();
    const query = 'query($at: DateTimeISO) { brandPolicies(codes: ["NETZCLUB", "O2"], at: $at) { brandCode version policy { lowBalanceThresholdCents } } }';
    const now = await call<{ brandPolicies: unknown[] }>(service, query);
    expect(now.data!.brandPolicies).toEqual([
      { brandCode: 'NETZCLUB', version: 2, policy: { lowBalanceThresholdCents: 300 } },
      { brandCode: 'O2', version: 1, policy: { lowBalanceThresholdCents: null } },
    ]);
    const earlier = await call<{ brandPolicies: unknown[] }>(service, query, { at: '2026-01-01T00:00:00.000Z' });
    expect(earlier.data!.brandPolicies).toEqual([
      { brandCode: 'NETZCLUB', version: 1, policy: { lowBalanceThresholdCents: null } },
      { brandCode: 'O2', version: 1, policy: { lowBalanceThresholdCents: null } },
    ]);
    expect(errorCode(await call(service, '{ brandPolicies(codes: ["NOPE"]) { version } }'))).toBe('NOT_FOUND');
  });

  it('numbers concurrent publications without gaps or collisions, each audited once', async () => {
    const policy = asInput(INITIAL_BRAND_POLICIES.FONIC);
    const responses = await Promise.all([1, 2, 3, 4].map(() => call<{ publishBrandPolicy: { version: number } }>(admin, PUBLISH, { brand: 'FONIC', policy })));
    for (const response of responses) expect(response.errors).toBeUndefined();
    expect(responses.map((response) => response.data!.publishBrandPolicy.version).sort()).toEqual([2, 3, 4, 5]);
    const audit = await call<{ brandPolicyAudit: { version: number; beforeVersion: number | null }[] }>(operator, '{ brandPolicyAudit(brand: "FONIC") { version beforeVersion } }');
    expect(audit.data!.brandPolicyAudit).toEqual([
      { version: 5, beforeVersion: 4 },
      { version: 4, beforeVersion: 3 },
      { version: 3, beforeVersion: 2 },
      { version: 2, beforeVersion: 1 },
      { version: 1, beforeVersion: null },
    ]);
  });
});

describe('policies subgraph: Account.validity from the brand policy', () => {
  const clock = new FixedClock(NOW);
  let subgraph: TestSubgraph<PoliciesServices>;
  const VALIDITY = `query($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Account { balanceQueryCode validity {
        validUntil phase nextPhase nextTransitionAt daysLeft terminationAt earliestTerminationAt recommendedTopUpBy validityQueryCode policyVersion unknownFacts
      } }
    }
  }`;
  const account = (overrides: Record<string, unknown>) => ({
    __typename: 'Account',
    id: 'acc-1',
    status: 'ACTIVE',
    validUntil: null,
    lastTopUpAt: null,
    lastChargeableUseAt: null,
    createdAt: '2025-01-10T09:00:00.000Z',
    ...overrides,
  });
  const validity = async (representation: Record<string, unknown>) => {
    const response = await callSubgraphAs<{ _entities: { validity: Record<string, unknown>; balanceQueryCode: string | null }[] }>(
      subgraph.config, subgraph.url, customer, VALIDITY, { representations: [representation] },
    );
    expect(response.errors).toBeUndefined();
    return response.data!._entities[0]!;
  };

  beforeAll(async () => {
    subgraph = await startTestSubgraph(createPoliciesSubgraph({ clock }));
  });
  afterAll(() => subgraph?.close());

  it('answers *102# on O2: end date, days left, next phase', async () => {
    clock.set(new Date('2025-09-01T09:00:00.000Z'));
    const o2 = await validity(account({ brandCode: 'O2', validUntil: '2026-01-10T09:00:00.000Z', lastTopUpAt: '2025-03-01T09:00:00.000Z' }));
    expect(o2.balanceQueryCode).toBe('*101#');
    expect(o2.validity).toEqual({
      validUntil: '2026-01-10T09:00:00.000Z',
      phase: 'ACTIVE',
      nextPhase: 'INACTIVE',
      nextTransitionAt: '2026-01-10T09:00:00.000Z',
      daysLeft: 131,
      terminationAt: null,
      earliestTerminationAt: null,
      recommendedTopUpBy: null,
      validityQueryCode: '*102#',
      policyVersion: 1,
      unknownFacts: [],
    });
  });

  it('walks a LIDL Connect SIM without top-ups through inactive into deactivated', async () => {
    const lidl = account({ brandCode: 'LIDL_CONNECT' });
    clock.set(new Date('2026-01-09T09:00:00.000Z'));
    expect((await validity(lidl)).validity).toMatchObject({ phase: 'ACTIVE', daysLeft: 1, validUntil: '2026-01-10T09:00:00.000Z', nextPhase: 'INACTIVE' });
    clock.set(new Date('2026-01-20T09:00:00.000Z'));
    expect((await validity(lidl)).validity).toMatchObject({ phase: 'INACTIVE', daysLeft: 0, nextPhase: 'DEACTIVATED', nextTransitionAt: '2026-02-10T09:00:00.000Z' });
    clock.set(new Date('2027-03-01T09:00:00.000Z'));
    expect((await validity(lidl)).validity).toMatchObject({ phase: 'DEACTIVATED', nextPhase: null, validityQueryCode: null });
  });

  it('reports Telekom\'s termination and EDEKA smart\'s recommended top-up; unknown facts are named', async () => {
    clock.set(new Date('2026-06-01T09:00:00.000Z'));
    const telekom = await validity(account({ brandCode: 'TELEKOM', lastTopUpAt: '2025-03-01T09:00:00.000Z' }));
    expect(telekom.validity).toMatchObject({
      phase: 'ACTIVE', nextPhase: 'TERMINATED', terminationAt: '2027-03-01T09:00:00.000Z', earliestTerminationAt: '2027-02-01T09:00:00.000Z', unknownFacts: [],
    });
    const edeka = await validity(account({ brandCode: 'EDEKA_SMART', validUntil: '2026-09-10T09:00:00.000Z', lastTopUpAt: '2025-06-10T09:00:00.000Z' }));
    expect(edeka.validity).toMatchObject({ phase: 'ACTIVE', nextPhase: 'TERMINATED', terminationAt: '2026-09-10T09:00:00.000Z', recommendedTopUpBy: '2026-06-10T09:00:00.000Z' });
    const blau = await validity(account({ brandCode: 'BLAU' }));
    expect(blau.validity).toMatchObject({ phase: 'ACTIVE', validUntil: null, daysLeft: null, nextPhase: null, unknownFacts: ['validUntil', 'nextTransition'] });
    const terminated = await validity(account({ brandCode: 'BLAU', status: 'TERMINATED' }));
    expect(terminated.validity).toMatchObject({ phase: 'TERMINATED', daysLeft: 0 });
  });
});

describe('policies subgraph: Account.brand beside validity', () => {
  let subgraph: TestSubgraph<PoliciesServices>;
  const BRANDS = `query($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on Account { id brand { code name network policy { version } } } }
  }`;
  beforeAll(async () => {
    subgraph = await startTestSubgraph(createPoliciesSubgraph({ clock: new FixedClock(NOW) }));
  });
  afterAll(() => subgraph?.close());

  it('resolves the brands of many accounts from their brandCode in one call, each from the catalogue', async () => {
    const representations = ['O2', 'CONGSTAR', 'O2', 'ALDI_TALK'].map((brandCode, index) => ({ __typename: 'Account', id: `acc-${index}`, brandCode }));
    const response = await callSubgraphAs<{ _entities: { id: string; brand: { code: string; name: string; network: string | null; policy: { version: number } } }[] }>(
      subgraph.config, subgraph.url, customer, BRANDS, { representations },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!._entities.map(({ id, brand }) => [id, brand.code, brand.policy.version])).toEqual([
      ['acc-0', 'O2', 1], ['acc-1', 'CONGSTAR', 1], ['acc-2', 'O2', 1], ['acc-3', 'ALDI_TALK', 1],
    ]);
    expect(response.data!._entities[1]!.brand).toMatchObject({ name: 'congstar Prepaid', network: 'TELEKOM' });
  });

  it('answers NOT_FOUND for a brand code outside the catalogue, and still answers the other accounts', async () => {
    const representations = [{ __typename: 'Account', id: 'acc-1', brandCode: 'NO_SUCH_BRAND' }, { __typename: 'Account', id: 'acc-2', brandCode: 'O2' }];
    const response = await callSubgraphAs<{ _entities: ({ id: string; brand: { code: string } } | null)[] }>(subgraph.config, subgraph.url, customer, BRANDS, { representations });
    expect(errorCode(response)).toBe('NOT_FOUND');
    expect(response.errors).toHaveLength(1);
    expect(response.data!._entities[0]).toBeNull();
    expect(response.data!._entities[1]).toMatchObject({ id: 'acc-2', brand: { code: 'O2' } });
  });
});

describe('policies subgraph definition', () => {
  it('is exported ready to run with the system clock', () => {
    expect(policiesSubgraph.name).toBe('policies');
    expect(policiesSubgraph.migrations).toHaveLength(2);
  });
});

describe('policies subgraph: two instances on one database', () => {
  it('answers a policy published on the other instance at once (the parsed versions are cached, but never past a newer version)', async () => {
    const clock = new FixedClock(NOW);
    const first = await startTestSubgraph(createPoliciesSubgraph({ clock }));
    const second = await startSubgraph(createPoliciesSubgraph({ clock }), first.config, { port: 0 });
    try {
      const versionOn = async (url: string): Promise<number> => {
        const response = await callSubgraphAs<{ brand: { policy: { version: number } } }>(first.config, url, customer, '{ brand(code: "O2") { policy { version } } }');
        expect(response.errors).toBeUndefined();
        return response.data!.brand.policy.version;
      };
      expect(await versionOn(second.url)).toBe(1);
      const published = await callSubgraphAs(first.config, first.url, admin, PUBLISH, { brand: 'O2', effectiveFrom: null, policy: asInput(INITIAL_BRAND_POLICIES.O2) });
      expect(published.errors).toBeUndefined();
      expect(await versionOn(second.url)).toBe(2);
      expect(await versionOn(first.url)).toBe(2);
    } finally {
      await second.stop();
      await first.close();
    }
  });
});
