import { getNamedType, isEnumType, isNonNullType, isObjectType, isScalarType, isUnionType } from 'graphql';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { DEMO_ACCOUNTS } from '../subgraphs/accounts/src/services/demo-data.service';
import type { SubgraphName } from '../subgraphs/common/src/config';
import type { Principal } from '../subgraphs/common/src/principal';
import { callSubgraphAs } from '../subgraphs/common/src/testing/graphql-client';
import type { GraphQLResponse } from '../subgraphs/common/src/testing/graphql-client';
import { SUBGRAPHS } from '../subgraphs/registry';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

/** Entity types whose every field is public to every role (the brand catalogue), so nothing can leak. */
const PUBLIC_ENTITY_TYPES = new Set(['policies.Brand']);
const NO_SUCH_ACCOUNT = '00000000-0000-4000-8000-000000000404';
const SELECTION_DEPTH = 4;

/** Every field of its own a subgraph serves without arguments the caller must give, to the given depth. */
function selectionOf(type: GraphQLObjectType, depth: number): string {
  const fields = Object.values(type.getFields()).flatMap((field) => {
    if (field.name.startsWith('_') || field.args.some((argument) => isNonNullType(argument.type) && argument.defaultValue === undefined)) return [];
    // @external fields are the owner's to resolve; the gateway never asks this subgraph for them.
    if (field.astNode?.directives?.some((directive) => directive.name.value === 'external')) return [];
    const named = getNamedType(field.type);
    if (isScalarType(named) || isEnumType(named)) return [field.name];
    if (!isObjectType(named) || depth <= 1) return [];
    const inner = selectionOf(named, depth - 1);
    return inner ? [`${field.name} { ${inner} }`] : [];
  });
  return fields.join(' ');
}

interface EntityProbe {
  subgraph: SubgraphName;
  typename: string;
  query: string;
}

/** One `_entities` query per entity type of every subgraph, selecting everything the subgraph serves. */
async function entityProbes(): Promise<EntityProbe[]> {
  const probes: EntityProbe[] = [];
  for (const definition of SUBGRAPHS) {
    const schema: GraphQLSchema = await definition.buildSchema();
    const union = schema.getType('_Entity');
    if (!union || !isUnionType(union)) continue;
    for (const type of union.getTypes()) {
      probes.push({
        subgraph: definition.name,
        typename: type.name,
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${type.name} { ${selectionOf(type, SELECTION_DEPTH)} } } }`,
      });
    }
  }
  return probes;
}

/** What a caller learns from an answer: data and error codes, with the asked-for id blanked out. */
function observed(answer: GraphQLResponse<unknown>, id: string): string {
  return JSON.stringify({ data: answer.data ?? null, codes: (answer.errors ?? []).map((error) => error.extensions?.code ?? null) }).split(id).join('<id>');
}

/**
 * Any principal can call a subgraph directly with `_entities`; what the representation claims
 * (brandCode, status, balances) is the caller's to make up. So for every entity type of every
 * subgraph, a principal of another brand or another customer must learn exactly as much about a
 * real account as about one that does not exist, with the truthful representation and with one
 * claiming the caller's own brand.
 */
describe('entity references straight to every subgraph: nothing of another brand or customer', () => {
  let stack: TestStack;
  // FONIC: its accounts also have a quarterly payout order in refunds (other brands pay out only at the end).
  const victim = DEMO_ACCOUNTS.find((account) => account.brandCode === 'FONIC' && account.topUpCents > 0)!;
  const neighbour = DEMO_ACCOUNTS.find((account) => account.brandCode === 'FONIC' && account.id !== victim.id)!;
  const congstar = DEMO_ACCOUNTS.find((account) => account.brandCode === 'CONGSTAR')!;
  const owners: Principal[] = [
    { role: 'partner', subject: 'fonic-app', brand: 'FONIC' },
    { role: 'customer', subject: 'victim', accountId: victim.id },
  ];
  const strangers: Principal[] = [
    { role: 'partner', subject: 'congstar-app', brand: 'CONGSTAR' },
    { role: 'customer', subject: 'fonic-neighbour', accountId: neighbour.id },
    { role: 'customer', subject: 'congstar-customer', accountId: congstar.id },
  ];
  let facts: Record<string, unknown>;
  let probes: EntityProbe[];

  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_PER_MINUTE: '100000' });
    await stack.seedDemoData();
    const fonicPartner = await stack.token({ role: 'partner', brand: 'FONIC' });
    const owner = await stack.token({ role: 'customer', account_id: victim.id });
    const savedCard = await stack.savePaymentMethod(victim.id);
    // Something of the victim's in every subgraph that keeps per-account data.
    const writes = [
      stack.query(fonicPartner, 'mutation($input: CreateTopUpInput!) { createTopUp(input: $input) { id } }', {
        input: { accountId: victim.id, amountCents: 1500, channel: 'APP_WEB', idempotencyKey: 'entity-isolation-1' },
      }),
      stack.query(fonicPartner, 'mutation($input: AutoTopUpRuleInput!) { setAutoTopUp(input: $input) { armed } }', {
        input: { accountId: victim.id, trigger: 'BELOW_THRESHOLD', thresholdCents: 500, amountCents: 1500, paymentMethodRef: savedCard },
      }),
      stack.query(owner, 'mutation($input: QuarterlyPayoutOrderInput!) { setQuarterlyPayoutOrder(input: $input) { accountId } }', {
        input: { accountId: victim.id, holderName: 'Eva Muster', iban: 'DE89370400440532013000' },
      }),
    ];
    for (const write of await Promise.all(writes)) expect(write.errors).toBeUndefined();
    const service: Principal = { role: 'service', subject: 'entity-isolation' };
    const account = await callSubgraphAs<{ account: Record<string, unknown> }>(
      stack.config,
      stack.subgraphs.accounts.url,
      service,
      'query($id: ID!) { account(id: $id) { brandCode status validUntil lastTopUpAt lastChargeableUseAt createdAt balance { cents } available { cents } owed { cents } } }',
      { id: victim.id },
    );
    facts = account.data!.account;
    probes = await entityProbes();
  });
  afterAll(() => stack?.stop());

  /** The representation of an account (or brand) the gateway would send, possibly with a lie in it. */
  const representation = (probe: EntityProbe, id: string, claims: Record<string, unknown> = {}): Record<string, unknown> =>
    probe.typename === 'Brand' ? { __typename: 'Brand', code: id } : { __typename: probe.typename, id, ...facts, ...claims };

  const ask = (probe: EntityProbe, principal: Principal, reference: Record<string, unknown>) =>
    callSubgraphAs(stack.config, stack.subgraphs[probe.subgraph].url, principal, probe.query, { r: [reference] });

  it('covers every entity type of every subgraph, each either checked here or public by design', () => {
    const all = probes.map((probe) => `${probe.subgraph}.${probe.typename}`);
    expect(all).toEqual(expect.arrayContaining(['accounts.Account', 'payments.Account', 'policies.Account', 'refunds.Account', 'policies.Brand']));
    for (const probe of probes) expect(probe.query).toMatch(/\{ \w+/);
  });

  it('a stranger learns as much about the victim\'s account as about one that does not exist: 0 leaks', async () => {
    const leaks: string[] = [];
    let calls = 0;
    for (const probe of probes.filter((candidate) => !PUBLIC_ENTITY_TYPES.has(`${candidate.subgraph}.${candidate.typename}`))) {
      for (const stranger of strangers) {
        // The truthful representation, and one claiming the stranger's own brand (or another one).
        const lies: Record<string, unknown>[] = [{}, { brandCode: stranger.brand ?? congstar.brandCode }];
        for (const claims of lies) {
          const real = observed(await ask(probe, stranger, representation(probe, victim.id, claims)), victim.id);
          const none = observed(await ask(probe, stranger, representation(probe, NO_SUCH_ACCOUNT, claims)), NO_SUCH_ACCOUNT);
          calls += 2;
          if (real !== none) leaks.push(`${probe.subgraph}.${probe.typename} as ${stranger.subject} claiming ${JSON.stringify(claims)}:\n  real ${real}\n  none ${none}`);
        }
      }
    }
    expect(calls).toBeGreaterThanOrEqual(4 * 3 * 2 * 2);
    expect(leaks).toEqual([]);
  });

  it('the owners do see the victim\'s data in every subgraph that keeps some (the check above can see a leak)', async () => {
    for (const subgraph of ['accounts', 'payments', 'refunds'] as const) {
      const probe = probes.find((candidate) => candidate.subgraph === subgraph && candidate.typename === 'Account')!;
      for (const owner of owners) {
        const real = observed(await ask(probe, owner, representation(probe, victim.id)), victim.id);
        const none = observed(await ask(probe, owner, representation(probe, NO_SUCH_ACCOUNT)), NO_SUCH_ACCOUNT);
        expect({ subgraph, owner: owner.subject, differs: real !== none }).toEqual({ subgraph, owner: owner.subject, differs: true });
      }
    }
  });
});
