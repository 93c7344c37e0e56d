import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import gql from 'graphql-tag';
import { buildSchema, createResolversMap } from 'type-graphql';
import type { BuildSchemaOptions } from 'type-graphql';
import { accessGuard, collectAccess } from './access';
import type { AccessDeclarations } from './access';
import { roleAuthChecker } from './authorization';

/** Federation 2.14 is the newest version @apollo/composition 2.14 accepts. */
export const FEDERATION_LINK = `extend schema
  @link(
    url: "https://specs.apollo.dev/federation/v2.14"
    import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag"]
  )`;

export type ReferenceResolvers = Record<
  string,
  { __resolveReference: (reference: never, context: never, info: never) => unknown }
>;

/**
 * Builds a Federation 2 subgraph schema from type-graphql classes. type-graphql prints the schema
 * with its @key/@shareable directives; @apollo/subgraph adds _service/_entities and the reference
 * resolvers, which type-graphql cannot express.
 */
export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, 'skipCheck'>,
  referenceResolvers: ReferenceResolvers = {},
): Promise<GraphQLSchema> {
  let declarations: AccessDeclarations = new Map();
  const schema = await buildSchema({
    authChecker: roleAuthChecker,
    validate: true,
    ...options,
    globalMiddlewares: [accessGuard(() => declarations), ...(options.globalMiddlewares ?? [])],
    skipCheck: true,
  });
  const access = collectAccess(schema);
  if (access.undeclared.length > 0) {
    throw new Error(`Access not declared (use @Allow / @AllowType) for: ${access.undeclared.join(', ')}`);
  }
  declarations = access.declarations;
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, reference] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...(resolvers[typeName] ?? {}), ...reference };
  }
  const federated = buildSubgraphSchema({
    typeDefs: gql`
      ${FEDERATION_LINK}
      ${printSchemaWithDirectives(schema)}
    `,
    resolvers: resolvers as GraphQLResolverMap<unknown>,
  });
  ACCESS_BY_SCHEMA.set(federated, declarations);
  return federated;
}

const ACCESS_BY_SCHEMA = new WeakMap<GraphQLSchema, AccessDeclarations>();

/** The access declarations a subgraph schema was built with (for the authorization matrix test). */
export function accessDeclarationsOf(schema: GraphQLSchema): AccessDeclarations {
  const declarations = ACCESS_BY_SCHEMA.get(schema);
  if (!declarations) throw new Error('schema was not built by buildFederatedSchema');
  return declarations;
}
