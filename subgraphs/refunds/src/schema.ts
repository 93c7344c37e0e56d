import type { GraphQLSchema } from 'graphql';
import { roleAuthChecker } from '../../common/src/authorization';
import type { SubgraphContext } from '../../common/src/context';
import { buildFederatedSchema } from '../../common/src/federation';
import { createBackgroundWorkResolver } from '../../common/src/operations/background-work.resolver';
import type { RefundsServices } from './refunds.subgraph';
import { AccountPayoutsResolver } from './resolvers/account-payouts.resolver';
import { PayoutResolver } from './resolvers/payout.resolver';
import { RefundsAccount } from './types/account.type';

export type RefundsLoaders = Record<string, never>;
export type RefundsContext = SubgraphContext<RefundsServices, RefundsLoaders>;

export function buildRefundsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers: [PayoutResolver, AccountPayoutsResolver, createBackgroundWorkResolver('refunds')],
    orphanedTypes: [RefundsAccount],
    authChecker: roleAuthChecker,
    validate: true,
  });
}
