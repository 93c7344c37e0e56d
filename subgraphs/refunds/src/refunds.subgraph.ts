import type { SubgraphDefinition } from '../../common/src/subgraph';
import { PayoutEntity } from './entities/payout.entity';
import { CreatePayouts1763800000300 } from './migrations/1763800000300-create-payouts.migration';
import { buildRefundsSchema } from './schema';
import type { RefundsLoaders } from './schema';
import { PayoutService } from './services/payout.service';

export interface RefundsServices {
  payouts: PayoutService;
}

export const refundsSubgraph: SubgraphDefinition<RefundsServices, RefundsLoaders> = {
  name: 'refunds',
  entities: [PayoutEntity],
  migrations: [CreatePayouts1763800000300],
  buildSchema: buildRefundsSchema,
  createServices: ({ dataSource }) => ({ payouts: new PayoutService(dataSource.getRepository(PayoutEntity)) }),
  createLoaders: () => ({}),
};
