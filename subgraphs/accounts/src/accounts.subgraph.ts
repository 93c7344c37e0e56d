import { systemClock } from '../../common/src/clock';
import type { Clock } from '../../common/src/clock';
import type { SubgraphDefinition, SubgraphRuntime } from '../../common/src/subgraph';
import { TransactionRunner } from '../../common/src/transaction';
import { AccountEntity } from './entities/account.entity';
import { AccountOptionEntity } from './entities/account-option.entity';
import { ChargingSessionEntity } from './entities/charging-session.entity';
import { LedgerEntryEntity } from './entities/ledger-entry.entity';
import { CreateAccounts1763800000000 } from './migrations/1763800000000-create-accounts.migration';
import { AddCharging1763800000010 } from './migrations/1763800000010-add-charging.migration';
import { AddOptions1763800000020 } from './migrations/1763800000020-add-options.migration';
import { SpecChargingRules } from './rules/charging-rules.provider';
import type { ChargingRules } from './rules/charging-rules.provider';
import { buildAccountsSchema, createAccountsLoaders } from './schema';
import type { AccountsLoaders } from './schema';
import { AccountService } from './services/account.service';
import { ChargingService } from './services/charging.service';
import { DemoDataService } from './services/demo-data.service';
import { LedgerService } from './services/ledger.service';
import { OptionService } from './services/option.service';

export interface AccountsServices {
  clock: Clock;
  rules: ChargingRules;
  transactions: TransactionRunner;
  accounts: AccountService;
  ledger: LedgerService;
  charging: ChargingService;
  options: OptionService;
  demoData: DemoDataService;
}

export interface AccountsOptions {
  clock?: Clock;
  /** Brand rules for charging; the default holds the spec's values until the policies subgraph serves them. */
  rules?: ChargingRules;
  /** How often the background job releases stale charging sessions and renews due options; 0 turns it off. */
  expirySweepMs?: number;
}

export const DEFAULT_EXPIRY_SWEEP_MS = 30_000;

export function createAccountsServices({ dataSource }: SubgraphRuntime, options: AccountsOptions = {}): AccountsServices {
  const clock = options.clock ?? systemClock;
  const rules = options.rules ?? new SpecChargingRules();
  const transactions = new TransactionRunner(dataSource);
  const accounts = new AccountService(dataSource.getRepository(AccountEntity), clock);
  const ledger = new LedgerService(transactions, dataSource.getRepository(LedgerEntryEntity), clock, rules);
  const charging = new ChargingService(transactions, dataSource.getRepository(ChargingSessionEntity), ledger, rules, clock);
  const optionService = new OptionService(transactions, dataSource.getRepository(AccountOptionEntity), ledger, rules, clock);
  charging.setTariffOverride((manager, account, service, base) => optionService.tariffFor(manager, account, service, base));
  return { clock, rules, transactions, accounts, ledger, charging, options: optionService, demoData: new DemoDataService(accounts, ledger) };
}

/** The accounts subgraph; tests pass their own clock and rules. */
export function createAccountsSubgraph(options: AccountsOptions = {}): SubgraphDefinition<AccountsServices, AccountsLoaders> {
  const sweepMs = options.expirySweepMs ?? DEFAULT_EXPIRY_SWEEP_MS;
  return {
    name: 'accounts',
    entities: [AccountEntity, LedgerEntryEntity, ChargingSessionEntity, AccountOptionEntity],
    migrations: [CreateAccounts1763800000000, AddCharging1763800000010, AddOptions1763800000020],
    buildSchema: buildAccountsSchema,
    createServices: (runtime) => createAccountsServices(runtime, options),
    createLoaders: createAccountsLoaders,
    seed: async (services, { logger }) => {
      const created = await services.demoData.seed();
      if (created > 0) logger.info({ created }, 'demo accounts created');
    },
    startBackground: (services, { logger }) => {
      if (sweepMs <= 0) return async () => undefined;
      let running: Promise<void> | undefined;
      const timer = setInterval(() => {
        // One sweep at a time per process (a slow one is not queued behind); other processes may sweep too.
        if (running) return;
        running = Promise.all([services.charging.expireStaleSessions(), services.options.renewDue()])
          .then(
            ([expired, renewed]) => {
              if (expired > 0 || renewed > 0) logger.info({ expired, renewed }, 'stale sessions released, due options renewed');
            },
            (error: unknown) => logger.error({ err: error }, 'background charging/renewal run failed'),
          )
          .finally(() => {
            running = undefined;
          });
      }, sweepMs);
      timer.unref();
      return async () => {
        clearInterval(timer);
        await running;
      };
    },
  };
}

export const accountsSubgraph = createAccountsSubgraph();
