import type { GraphQLSchema } from 'graphql';
import type { SubgraphContext } from '../../common/src/context';
import { buildFederatedSchema } from '../../common/src/federation';
import { createBackgroundWorkResolver } from '../../common/src/operations/background-work.resolver';
import type { PaymentsServices } from './payments.subgraph';
import { AccountPaymentsResolver } from './resolvers/account-payments.resolver';
import { TopUpResolver } from './resolvers/top-up.resolver';
import { PaymentsAccount } from './types/account.type';

export type PaymentsLoaders = Record<string, never>;
export type PaymentsContext = SubgraphContext<PaymentsServices, PaymentsLoaders>;

export function buildPaymentsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({ resolvers: [TopUpResolver, AccountPaymentsResolver, createBackgroundWorkResolver('payments')], orphanedTypes: [PaymentsAccount] });
}
