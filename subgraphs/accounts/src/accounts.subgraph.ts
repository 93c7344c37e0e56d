import { systemClock } from '../../common/src/clock';
import type { Clock } from '../../common/src/clock';
import { OutboxMessageEntity } from '../../common/src/outbox/outbox-message.entity';
import { withCrashPoint } from '../../common/src/outbox/crash-point';
import { OutboxRelay } from '../../common/src/outbox/outbox.service';
import type { OutboxHandler } from '../../common/src/outbox/outbox.service';
import { every } from '../../common/src/background';
import { BrandPolicyClient } from '../../common/src/policy/brand-policy.client';
import { SubgraphClient } from '../../common/src/subgraph-client';
import type { SubgraphDefinition, SubgraphRuntime } from '../../common/src/subgraph';
import { TransactionRunner } from '../../common/src/transaction';
import { CataloguePoliciesAdapter } from './adapters/catalogue-policies.adapter';
import { AccountEntity } from './entities/account.entity';
import { AccountOptionEntity } from './entities/account-option.entity';
import { ChargingSessionEntity } from './entities/charging-session.entity';
import { LedgerEntryEntity } from './entities/ledger-entry.entity';
import { NotificationEntity } from './entities/notification.entity';
import { CreateAccounts1763800000000 } from './migrations/1763800000000-create-accounts.migration';
import { AddCharging1763800000010 } from './migrations/1763800000010-add-charging.migration';
import { AddOptions1763800000020 } from './migrations/1763800000020-add-options.migration';
import { AddLifecycle1763800000030 } from './migrations/1763800000030-add-lifecycle.migration';
import type { PoliciesPort } from './ports/policies.port';
import type { ChargingRules } from './rules/charging-rules.provider';
import { PolicyChargingRules } from './rules/policy-charging-rules.provider';
import { buildAccountsSchema, createAccountsLoaders } from './schema';
import type { AccountsLoaders } from './schema';
import { AccountService } from './services/account.service';
import { ChargingService } from './services/charging.service';
import { DemoDataService } from './services/demo-data.service';
import { LedgerService } from './services/ledger.service';
import { LifecycleService } from './services/lifecycle.service';
import { NotificationService } from './services/notification.service';
import { OptionService } from './services/option.service';
import { AUTO_TOP_UP_TOPIC, PAYOUT_ENTITLEMENT_TOPIC } from './services/outbox-topics';
import type { AutoTopUpTriggerMessage, PayoutEntitlementMessage } from './services/outbox-topics';
import { assertBalanceLimit } from './services/balance-limit';
import { ValidityService } from './services/validity.service';

export interface AccountsServices {
  clock: Clock;
  rules: ChargingRules;
  policies: PoliciesPort;
  transactions: TransactionRunner;
  accounts: AccountService;
  ledger: LedgerService;
  charging: ChargingService;
  options: OptionService;
  validity: ValidityService;
  notifications: NotificationService;
  lifecycle: LifecycleService;
  relay: OutboxRelay;
  demoData: DemoDataService;
  /** Closes the HTTP clients to other subgraphs. */
  close: () => Promise<void>;
}

export interface AccountsOptions {
  clock?: Clock;
  /** Brand rules for charging; the default reads them from the brand policies (policies subgraph). */
  rules?: ChargingRules;
  /** Brand policies; the default asks the policies subgraph at POLICIES_URL. */
  policies?: (runtime: SubgraphRuntime) => PoliciesPort;
  /** How often the background job releases stale charging sessions and renews due options; 0 turns it off. */
  expirySweepMs?: number;
  /** How often the validity lifecycle job runs; 0 turns it off (tests call `lifecycle.run()`). */
  lifecycleMs?: number;
  /** Deliver outbox messages to payments and refunds in the background; off in tests that inspect the outbox. */
  outboxRelay?: boolean;
}

export const DEFAULT_EXPIRY_SWEEP_MS = 30_000;
export const DEFAULT_LIFECYCLE_MS = 15 * 60_000;

const OPEN_PAYOUT_ENTITLEMENT = `mutation OpenPayoutEntitlement(
  $accountId: ID!, $brandCode: ID!, $terminatedAt: DateTimeISO!, $initiatedBy: TerminationInitiator!
) {
  openPayoutEntitlement(accountId: $accountId, brandCode: $brandCode, terminatedAt: $terminatedAt, initiatedBy: $initiatedBy)
}`;

const AUTO_TOP_UP_TRIGGERED = `mutation AutoTopUpTriggered($accountId: ID!, $balanceCents: SafeInt!, $reference: String!) {
  autoTopUpTriggered(accountId: $accountId, balanceCents: $balanceCents, reference: $reference) { id }
}`;

export function createAccountsServices(runtime: SubgraphRuntime, options: AccountsOptions = {}): AccountsServices {
  const { dataSource, config, logger } = runtime;
  const clock = options.clock ?? systemClock;
  const policiesAdapter = options.policies ? null : new BrandPolicyClient(new SubgraphClient(config, 'policies', 'accounts'));
  const policies = options.policies?.(runtime) ?? policiesAdapter!;
  const rules = options.rules ?? new PolicyChargingRules(policies, clock);
  const transactions = new TransactionRunner(dataSource);
  const validity = new ValidityService(policies);
  const accounts = new AccountService(dataSource.getRepository(AccountEntity), clock, validity);
  const ledger = new LedgerService(transactions, dataSource.getRepository(LedgerEntryEntity), clock, rules);
  // Before the entry is written: a terminated contract refuses the credit, an inactive SIM is reactivated first.
  ledger.onTopUp(async (manager, account, amountCents, at) => {
    await assertBalanceLimit(policies, config.topUpLimits, account, amountCents, at);
    await validity.applyTopUp(manager, account, amountCents, at);
  });
  const charging = new ChargingService(transactions, dataSource.getRepository(ChargingSessionEntity), ledger, rules, clock, validity);
  const optionService = new OptionService(transactions, dataSource.getRepository(AccountOptionEntity), ledger, rules, clock);
  charging.setTariffOverride((manager, account, service, base) => optionService.tariffFor(manager, account, service, base));
  const notifications = new NotificationService(transactions, dataSource.getRepository(NotificationEntity), clock);
  const lifecycle = new LifecycleService(transactions, ledger, charging, optionService, notifications, policies, clock);

  const refunds = new SubgraphClient(config, 'refunds', 'accounts');
  const payments = new SubgraphClient(config, 'payments', 'accounts');
  const handlers: Record<string, OutboxHandler> = {
    // refunds deduplicates by account: one entitlement per ended contract, however often delivered.
    [PAYOUT_ENTITLEMENT_TOPIC]: async (message) => {
      const entitlement = message.payload as PayoutEntitlementMessage;
      await refunds.request(OPEN_PAYOUT_ENTITLEMENT, { ...entitlement });
    },
    // payments fires a rule once per crossing reference, so a redelivery does not top up twice.
    [AUTO_TOP_UP_TOPIC]: async (message) => {
      const trigger = message.payload as AutoTopUpTriggerMessage;
      await payments.request(AUTO_TOP_UP_TRIGGERED, { ...trigger });
    },
  };
  const relay = new OutboxRelay(transactions, withCrashPoint(handlers, config.testCrashPoint), clock, logger, { pollMs: config.outboxPollMs, leaseMs: config.outboxLeaseMs });

  return {
    clock,
    rules,
    policies,
    transactions,
    accounts,
    ledger,
    charging,
    options: optionService,
    validity,
    notifications,
    lifecycle,
    relay,
    demoData: new DemoDataService(accounts, ledger),
    close: async () => {
      await Promise.all([refunds.close(), payments.close(), policiesAdapter?.close()]);
    },
  };
}


/** The jobs the timers run, by the names /metrics counts them under; admins may run them once. */
function accountsJobs(services: AccountsServices, metrics: SubgraphRuntime['metrics']) {
  return {
    'charging-sweep': () => metrics.timeJob('charging-sweep', () => Promise.all([services.charging.expireStaleSessions(), services.options.renewDue()])),
    'validity-lifecycle': () => metrics.timeJob('validity-lifecycle', () => services.lifecycle.run()),
  };
}

/** The accounts subgraph; tests pass their own clock, rules and policies. */
export function createAccountsSubgraph(options: AccountsOptions = {}): SubgraphDefinition<AccountsServices, AccountsLoaders> {
  const sweepMs = options.expirySweepMs ?? DEFAULT_EXPIRY_SWEEP_MS;
  const lifecycleMs = options.lifecycleMs ?? DEFAULT_LIFECYCLE_MS;
  return {
    name: 'accounts',
    entities: [AccountEntity, LedgerEntryEntity, ChargingSessionEntity, AccountOptionEntity, NotificationEntity, OutboxMessageEntity],
    migrations: [CreateAccounts1763800000000, AddCharging1763800000010, AddOptions1763800000020, AddLifecycle1763800000030],
    buildSchema: buildAccountsSchema,
    createServices: (runtime) => createAccountsServices(runtime, options),
    createLoaders: createAccountsLoaders,
    seed: async (_services, runtime) => {
      // Seeding runs before any subgraph is up: the demo SIMs get the validity of policy version 1.
      const demo = createAccountsServices(runtime, { ...options, policies: () => new CataloguePoliciesAdapter() });
      try {
        const created = await demo.demoData.seed();
        if (created > 0) runtime.logger.info({ created }, 'demo accounts created');
      } finally {
        await demo.close();
      }
    },
    backgroundWork: (services, { metrics }) => ({ relay: services.relay, jobs: accountsJobs(services, metrics) }),
    startBackground: (services, { logger, metrics }) => {
      const jobs = accountsJobs(services, metrics);
      const stopRelay = options.outboxRelay === false ? async () => undefined : services.relay.start();
      const stopSweep = every(sweepMs, async () => {
        try {
          const [expired, renewed] = await jobs['charging-sweep']();
          if (expired > 0 || renewed > 0) logger.info({ expired, renewed }, 'stale sessions released, due options renewed');
        } catch (error) {
          logger.error({ err: error }, 'background charging/renewal run failed');
        }
      });
      const stopLifecycle = every(lifecycleMs, async () => {
        try {
          const run = await jobs['validity-lifecycle']();
          if (run.transitions > 0 || run.notices > 0) logger.info(run, 'validity lifecycle applied');
        } catch (error) {
          logger.error({ err: error }, 'validity lifecycle run failed');
        }
      });
      return async () => {
        await Promise.all([stopSweep(), stopLifecycle()]);
        await stopRelay();
        await services.close();
      };
    },
  };
}

export const accountsSubgraph = createAccountsSubgraph();
