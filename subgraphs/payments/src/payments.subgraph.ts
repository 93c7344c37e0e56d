import type { SubgraphDefinition } from '../../common/src/subgraph';
import { TopUpOrderEntity } from './entities/top-up-order.entity';
import { CreateTopUpOrders1763800000200 } from './migrations/1763800000200-create-top-up-orders.migration';
import { buildPaymentsSchema } from './schema';
import type { PaymentsLoaders } from './schema';
import { TopUpService } from './services/top-up.service';

export interface PaymentsServices {
  topUps: TopUpService;
}

export const paymentsSubgraph: SubgraphDefinition<PaymentsServices, PaymentsLoaders> = {
  name: 'payments',
  entities: [TopUpOrderEntity],
  migrations: [CreateTopUpOrders1763800000200],
  buildSchema: buildPaymentsSchema,
  createServices: ({ dataSource }) => ({ topUps: new TopUpService(dataSource.getRepository(TopUpOrderEntity)) }),
  createLoaders: () => ({}),
};
