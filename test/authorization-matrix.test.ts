import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import type { GraphQLField, GraphQLInputType, GraphQLSchema, IntrospectionQuery } from 'graphql';
import { accessDeclarationsOf } from '../subgraphs/common/src/federation';
import type { AccessDeclarations } from '../subgraphs/common/src/access';
import { ROLES } from '../subgraphs/common/src/principal';
import type { Role } from '../subgraphs/common/src/principal';
import { SUBGRAPHS } from '../subgraphs/registry';
import { startTestStack } from './support/stack';
import type { TestStack } from './support/stack';

const NO_SUCH_ACCOUNT = '00000000-0000-4000-8000-999999999999';

/** A value of the right type that names nothing that exists, so allowed calls end in NOT_FOUND or a domain refusal. */
function sampleValue(type: GraphQLInputType, name: string): unknown {
  if (isNonNullType(type)) return sampleValue(type.ofType, name);
  if (isListType(type)) return [sampleValue(type.ofType, name)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((field) => isNonNullType(field.type))
        .map((field) => [field.name, sampleValue(field.type, field.name)]),
    );
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return name === 'codes' || name === 'brand' || name === 'code' ? 'CONGSTAR' : NO_SUCH_ACCOUNT;
      case 'Int':
      case 'SafeInt':
        return 1;
      case 'Boolean':
        return false;
      case 'DateTimeISO':
        return new Date().toISOString();
      default:
        return name === 'msisdn' ? '+4915199999999' : 'matrix-probe-value';
    }
  }
  throw new Error(`no sample for ${String(type)}`);
}

function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): { document: string; variables: Record<string, unknown> } {
  const required = field.args.filter((argument) => isNonNullType(argument.type));
  const variables = Object.fromEntries(required.map((argument) => [argument.name, sampleValue(argument.type, argument.name)]));
  const declarations = required.map((argument) => `$${argument.name}: ${String(argument.type)}`).join(', ');
  const call = required.length > 0 ? `(${required.map((argument) => `${argument.name}: $${argument.name}`).join(', ')})` : '';
  const named = getNamedType(getNullableType(field.type));
  const selection = isScalarType(named) || isEnumType(named) ? '' : ' { __typename }';
  return { document: `${kind} Matrix${declarations ? `(${declarations})` : ''} { ${field.name}${call}${selection} }`, variables };
}

describe('authorization matrix: every operation of the supergraph x every role, through the gateway', () => {
  let stack: TestStack;
  let schema: GraphQLSchema;
  let declarations: AccessDeclarations;
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_PER_MINUTE: '100000' });
    declarations = new Map();
    for (const definition of SUBGRAPHS) {
      for (const [key, roles] of accessDeclarationsOf(await definition.buildSchema())) declarations.set(key, roles);
    }
    for (const role of ROLES) {
      tokens.set(role, await stack.token({ role, ...(role === 'partner' ? { brand: 'CONGSTAR' } : {}), ...(role === 'customer' ? { account_id: NO_SUCH_ACCOUNT } : {}) }));
    }
    const introspection = await stack.query<IntrospectionQuery>(tokens.get('operator'), getIntrospectionQuery());
    schema = buildClientSchema(introspection.data!);
  });
  afterAll(() => stack?.stop());

  it('declares every root field of the supergraph in exactly one subgraph', () => {
    const rootFields = [
      ...Object.keys(schema.getQueryType()!.getFields()).map((name) => `Query.${name}`),
      ...Object.keys(schema.getMutationType()!.getFields()).map((name) => `Mutation.${name}`),
    ];
    expect(rootFields.filter((key) => !declarations.has(key))).toEqual([]);
    expect(rootFields.length).toBeGreaterThan(30);
  });

  it('allows exactly the declared roles and refuses every other role with FORBIDDEN', async () => {
    const mismatches: string[] = [];
    const operations = [
      ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ kind: 'query' as const, field })),
      ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ kind: 'mutation' as const, field })),
    ];
    for (const { kind, field } of operations) {
      const key = `${kind === 'query' ? 'Query' : 'Mutation'}.${field.name}`;
      const allowed = declarations.get(key) ?? [];
      const { document, variables } = operationFor(kind, field);
      for (const role of ROLES) {
        const response = await stack.query(tokens.get(role), document, variables);
        const codes = (response.errors ?? []).map((error) => error.extensions?.code);
        const refused = codes.includes('FORBIDDEN') || codes.includes('UNAUTHENTICATED');
        if (allowed.includes(role) && refused) mismatches.push(`${key} as ${role}: expected allowed, got ${JSON.stringify(codes)}`);
        if (!allowed.includes(role) && !codes.includes('FORBIDDEN')) {
          mismatches.push(`${key} as ${role}: expected FORBIDDEN, got ${JSON.stringify(codes)}`);
        }
        if (codes.includes('INTERNAL_SERVER_ERROR') || codes.includes('GRAPHQL_VALIDATION_FAILED')) {
          mismatches.push(`${key} as ${role}: ${JSON.stringify(response.errors)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
