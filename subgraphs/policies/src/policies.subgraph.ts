import type { SubgraphDefinition } from '../../common/src/subgraph';
import { BrandEntity } from './entities/brand.entity';
import { CreateBrands1763800000100 } from './migrations/1763800000100-create-brands.migration';
import { buildPoliciesSchema, createPoliciesLoaders } from './schema';
import type { PoliciesLoaders } from './schema';
import { BrandService } from './services/brand.service';

export interface PoliciesServices {
  brands: BrandService;
}

export const policiesSubgraph: SubgraphDefinition<PoliciesServices, PoliciesLoaders> = {
  name: 'policies',
  entities: [BrandEntity],
  migrations: [CreateBrands1763800000100],
  buildSchema: buildPoliciesSchema,
  createServices: ({ dataSource }) => ({ brands: new BrandService(dataSource.getRepository(BrandEntity)) }),
  createLoaders: createPoliciesLoaders,
};
