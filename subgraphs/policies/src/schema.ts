import DataLoader from 'dataloader';
import type { GraphQLSchema } from 'graphql';
import { roleAuthChecker } from '../../common/src/authorization';
import type { SubgraphContext } from '../../common/src/context';
import { buildFederatedSchema } from '../../common/src/federation';
import type { PoliciesServices } from './policies.subgraph';
import { AccountPolicyResolver } from './resolvers/account-policy.resolver';
import { BrandPolicyResolver } from './resolvers/brand-policy.resolver';
import { BrandResolver } from './resolvers/brand.resolver';
import { PolicyResolver } from './resolvers/policy.resolver';
import type { BrandPolicyVersion } from './services/policy.service';
import { PolicyAccount } from './types/account.type';
import type { BrandType } from './types/brand.type';

export interface PoliciesLoaders {
  brandByCode: DataLoader<string, BrandType | undefined>;
  /** Every version of a brand's policy, oldest first. */
  policyVersionsByBrand: DataLoader<string, BrandPolicyVersion[]>;
}

export type PoliciesContext = SubgraphContext<PoliciesServices, PoliciesLoaders>;

export function createPoliciesLoaders(services: PoliciesServices): PoliciesLoaders {
  return {
    brandByCode: new DataLoader((codes) => services.brands.findByCodes(codes)),
    policyVersionsByBrand: new DataLoader((codes) => services.policies.versionsOf(codes)),
  };
}

export function buildPoliciesSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    {
      resolvers: [BrandResolver, BrandPolicyResolver, PolicyResolver, AccountPolicyResolver],
      orphanedTypes: [PolicyAccount],
      authChecker: roleAuthChecker,
      validate: true,
    },
    {
      Brand: {
        __resolveReference: async (reference: { code: string }, context: PoliciesContext) =>
          (await context.loaders.brandByCode.load(reference.code)) ?? null,
      },
    },
  );
}
