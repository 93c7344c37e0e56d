import type { GraphQLSchema } from 'graphql';
import { roleAuthChecker } from '../../common/src/authorization';
import type { SubgraphContext } from '../../common/src/context';
import { PaymentsAccount } from './types/account.type';
import { buildFederatedSchema } from '../../common/src/federation';
import type { PaymentsServices } from './payments.subgraph';
import { AccountTopUpsResolver } from './resolvers/account-top-ups.resolver';

export type PaymentsLoaders = Record<string, never>;
export type PaymentsContext = SubgraphContext<PaymentsServices, PaymentsLoaders>;

export function buildPaymentsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({ resolvers: [AccountTopUpsResolver], orphanedTypes: [PaymentsAccount], authChecker: roleAuthChecker, validate: true });
}
