import { systemClock } from '../../common/src/clock';
import type { Clock } from '../../common/src/clock';
import type { SubgraphDefinition, SubgraphRuntime } from '../../common/src/subgraph';
import { TransactionRunner } from '../../common/src/transaction';
import { AccountEntity } from './entities/account.entity';
import { LedgerEntryEntity } from './entities/ledger-entry.entity';
import { CreateAccounts1763800000000 } from './migrations/1763800000000-create-accounts.migration';
import { buildAccountsSchema, createAccountsLoaders } from './schema';
import type { AccountsLoaders } from './schema';
import { AccountService } from './services/account.service';
import { DemoDataService } from './services/demo-data.service';
import { LedgerService } from './services/ledger.service';

export interface AccountsServices {
  clock: Clock;
  accounts: AccountService;
  ledger: LedgerService;
  demoData: DemoDataService;
}

export function createAccountsServices({ dataSource }: SubgraphRuntime, clock: Clock = systemClock): AccountsServices {
  const transactions = new TransactionRunner(dataSource);
  const accounts = new AccountService(dataSource.getRepository(AccountEntity), clock);
  const ledger = new LedgerService(transactions, clock);
  return { clock, accounts, ledger, demoData: new DemoDataService(accounts, ledger) };
}

export const accountsSubgraph: SubgraphDefinition<AccountsServices, AccountsLoaders> = {
  name: 'accounts',
  entities: [AccountEntity, LedgerEntryEntity],
  migrations: [CreateAccounts1763800000000],
  buildSchema: buildAccountsSchema,
  createServices: (runtime) => createAccountsServices(runtime),
  createLoaders: createAccountsLoaders,
  seed: async (services, { logger }) => {
    const created = await services.demoData.seed();
    if (created > 0) logger.info({ created }, 'demo accounts created');
  },
};
