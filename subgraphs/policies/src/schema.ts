import DataLoader from 'dataloader';
import type { GraphQLSchema } from 'graphql';
import { roleAuthChecker } from '../../common/src/authorization';
import type { SubgraphContext } from '../../common/src/context';
import { PolicyAccount } from './types/account.type';
import { buildFederatedSchema } from '../../common/src/federation';
import type { PoliciesServices } from './policies.subgraph';
import { AccountPolicyResolver } from './resolvers/account-policy.resolver';
import { BrandResolver } from './resolvers/brand.resolver';
import type { BrandType } from './types/brand.type';

export interface PoliciesLoaders {
  brandByCode: DataLoader<string, BrandType | undefined>;
}

export type PoliciesContext = SubgraphContext<PoliciesServices, PoliciesLoaders>;

export function createPoliciesLoaders(services: PoliciesServices): PoliciesLoaders {
  return { brandByCode: new DataLoader((codes) => services.brands.findByCodes(codes)) };
}

export function buildPoliciesSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    { resolvers: [BrandResolver, AccountPolicyResolver], orphanedTypes: [PolicyAccount], authChecker: roleAuthChecker, validate: true },
    {
      Brand: {
        __resolveReference: async (reference: { code: string }, context: PoliciesContext) =>
          (await context.loaders.brandByCode.load(reference.code)) ?? null,
      },
    },
  );
}
