import DataLoader from 'dataloader';
import type { GraphQLSchema } from 'graphql';
import { accountScope, inScope, roleAuthChecker } from '../../common/src/authorization';
import type { SubgraphContext } from '../../common/src/context';
import { buildFederatedSchema } from '../../common/src/federation';
import { createBackgroundWorkResolver } from '../../common/src/operations/background-work.resolver';
import { AccountEntity } from './entities/account.entity';
import { AccountResolver } from './resolvers/account.resolver';
import { ChargingResolver } from './resolvers/charging.resolver';
import { LedgerResolver } from './resolvers/ledger.resolver';
import { LifecycleResolver } from './resolvers/lifecycle.resolver';
import { OptionResolver } from './resolvers/option.resolver';
import type { AccountsServices } from './accounts.subgraph';

export interface AccountsLoaders {
  accountById: DataLoader<string, AccountEntity | undefined>;
}

export type AccountsContext = SubgraphContext<AccountsServices, AccountsLoaders>;

export function createAccountsLoaders(services: AccountsServices): AccountsLoaders {
  return { accountById: new DataLoader((ids) => services.accounts.findByIds(ids)) };
}

export function buildAccountsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    { resolvers: [AccountResolver, LedgerResolver, ChargingResolver, OptionResolver, LifecycleResolver, createBackgroundWorkResolver('accounts')], authChecker: roleAuthChecker, validate: true },
    {
      Account: {
        // Entity references from other subgraphs obey the same scope as root queries: out of scope is null.
        __resolveReference: async (reference: { id: string }, context: AccountsContext) => {
          const account = await context.loaders.accountById.load(reference.id);
          return account && inScope(accountScope(context.principal), account) ? account : null;
        },
      },
    },
  );
}
