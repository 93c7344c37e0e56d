import { systemClock } from '../../common/src/clock';
import type { Clock } from '../../common/src/clock';
import type { SubgraphDefinition } from '../../common/src/subgraph';
import { TransactionRunner } from '../../common/src/transaction';
import { BrandPolicyAuditEntity } from './entities/brand-policy-audit.entity';
import { BrandPolicyEntity } from './entities/brand-policy.entity';
import { BrandEntity } from './entities/brand.entity';
import { CreateBrands1763800000100 } from './migrations/1763800000100-create-brands.migration';
import { CreateBrandPolicies1763800000200 } from './migrations/1763800000200-create-brand-policies.migration';
import { buildPoliciesSchema, createPoliciesLoaders } from './schema';
import type { PoliciesLoaders } from './schema';
import { BrandService } from './services/brand.service';
import { PolicyService } from './services/policy.service';
import { ValidityService } from './services/validity.service';

export interface PoliciesServices {
  brands: BrandService;
  policies: PolicyService;
  validity: ValidityService;
}

export interface PoliciesOptions {
  /** Tests pass a FixedClock to judge validity and effective dates at a chosen moment. */
  clock?: Clock;
}

export function createPoliciesSubgraph(options: PoliciesOptions = {}): SubgraphDefinition<PoliciesServices, PoliciesLoaders> {
  const clock = options.clock ?? systemClock;
  return {
    name: 'policies',
    entities: [BrandEntity, BrandPolicyEntity, BrandPolicyAuditEntity],
    migrations: [CreateBrands1763800000100, CreateBrandPolicies1763800000200],
    buildSchema: buildPoliciesSchema,
    createServices: ({ dataSource }) => {
      const policies = new PolicyService(
        dataSource.getRepository(BrandPolicyEntity),
        dataSource.getRepository(BrandPolicyAuditEntity),
        new TransactionRunner(dataSource),
        clock,
      );
      return {
        brands: new BrandService(dataSource.getRepository(BrandEntity), policies),
        policies,
        validity: new ValidityService(clock),
      };
    },
    createLoaders: createPoliciesLoaders,
  };
}

export const policiesSubgraph = createPoliciesSubgraph();
