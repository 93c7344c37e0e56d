import type { SubgraphDefinition } from './common/src/subgraph';
import { accountsSubgraph } from './accounts/src/accounts.subgraph';
import { paymentsSubgraph } from './payments/src/payments.subgraph';
import { policiesSubgraph } from './policies/src/policies.subgraph';
import { refundsSubgraph } from './refunds/src/refunds.subgraph';

/** Every subgraph of the supergraph, in the order they are composed and started. */
export const SUBGRAPHS: readonly SubgraphDefinition<unknown, unknown>[] = [
  accountsSubgraph,
  paymentsSubgraph,
  policiesSubgraph,
  refundsSubgraph,
] as SubgraphDefinition<unknown, unknown>[];
