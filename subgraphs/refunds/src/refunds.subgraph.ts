import { every } from '../../common/src/background';
import { systemClock } from '../../common/src/clock';
import type { Clock } from '../../common/src/clock';
import { OutboxMessageEntity } from '../../common/src/outbox/outbox-message.entity';
import { OutboxRelay } from '../../common/src/outbox/outbox.service';
import { BrandPolicyClient } from '../../common/src/policy/brand-policy.client';
import { SubgraphClient } from '../../common/src/subgraph-client';
import type { SubgraphDefinition, SubgraphRuntime } from '../../common/src/subgraph';
import { TransactionRunner } from '../../common/src/transaction';
import { AccountsHttpAdapter } from './adapters/accounts-http.adapter';
import { PoliciesHttpAdapter } from './adapters/policies-http.adapter';
import { PayoutBatchEntity } from './entities/payout-batch.entity';
import { PayoutEntitlementEntity } from './entities/payout-entitlement.entity';
import { PayoutStandingOrderEntity } from './entities/payout-standing-order.entity';
import { PayoutEntity } from './entities/payout.entity';
import { CreatePayouts1763800000300 } from './migrations/1763800000300-create-payouts.migration';
import { AddPayoutFlow1763800000310 } from './migrations/1763800000310-add-payout-flow.migration';
import type { AccountsPort } from './ports/accounts.port';
import type { PoliciesPort } from './ports/policies.port';
import { loadRefundsSettings } from './refunds-settings';
import type { RefundsSettings } from './refunds-settings';
import { buildRefundsSchema } from './schema';
import type { RefundsLoaders } from './schema';
import { IbanCipher } from './services/iban-cipher';
import { PayoutExportService } from './services/payout-export.service';
import { PAYOUT_DEBIT_TOPIC, PAYOUT_RETURN_TOPIC, PayoutService } from './services/payout.service';
import { StandingOrderService } from './services/standing-order.service';

export interface RefundsServices {
  clock: Clock;
  settings: RefundsSettings;
  cipher: IbanCipher;
  payouts: PayoutService;
  exports: PayoutExportService;
  standingOrders: StandingOrderService;
  relay: OutboxRelay;
  accounts: AccountsPort;
  policies: PoliciesPort;
}

export interface RefundsOptions {
  clock?: Clock;
  /** Refunds settings source (PAYOUT_* variables); process.env when omitted. */
  env?: Record<string, string | undefined>;
  /** Replaces the accounts adapter (the accounts subgraph over HTTP), e.g. to fail calls in a test. */
  accounts?: (runtime: SubgraphRuntime) => AccountsPort;
  /** Replaces PAYOUT_JOBS_MS; null turns the quarterly job off (tests). */
  jobsMs?: number | null;
  /** false: no outbox relay loop (tests drive `relay.runOnce()` themselves). */
  relay?: boolean;
}

export function createRefundsServices(runtime: SubgraphRuntime, options: RefundsOptions = {}): RefundsServices {
  const { dataSource, config, logger } = runtime;
  const clock = options.clock ?? systemClock;
  const settings = loadRefundsSettings(config, options.env ?? process.env);
  const cipher = new IbanCipher(settings.ibanKey);
  const transactions = new TransactionRunner(dataSource);
  const accounts = options.accounts?.(runtime) ?? new AccountsHttpAdapter(new SubgraphClient(config, 'accounts', 'refunds'));
  const policies = new PoliciesHttpAdapter(new BrandPolicyClient(new SubgraphClient(config, 'policies', 'refunds')));
  const payouts = new PayoutService(
    dataSource.getRepository(PayoutEntity),
    dataSource.getRepository(PayoutEntitlementEntity),
    transactions,
    accounts,
    policies,
    cipher,
    clock,
    logger,
  );
  const exports = new PayoutExportService(dataSource.getRepository(PayoutBatchEntity), transactions, payouts, cipher, settings, clock, logger);
  const standingOrders = new StandingOrderService(dataSource.getRepository(PayoutStandingOrderEntity), payouts, policies, cipher, clock, logger);
  const relay = new OutboxRelay(
    transactions,
    {
      [PAYOUT_DEBIT_TOPIC]: (message) => payouts.deliverDebit(message),
      [PAYOUT_RETURN_TOPIC]: (message) => payouts.deliverReturn(message),
    },
    clock,
    logger,
    { pollMs: config.outboxPollMs, leaseMs: config.outboxLeaseMs },
  );
  return { clock, settings, cipher, payouts, exports, standingOrders, relay, accounts, policies };
}

/** The quarterly standing-order job, counted in /metrics under its name; admins may run it once. */
function quarterlyPayouts(services: RefundsServices, metrics: SubgraphRuntime['metrics']): () => Promise<number> {
  return () => metrics.timeJob('quarterly-payouts', () => services.standingOrders.runQuarterly());
}

export function createRefundsSubgraph(options: RefundsOptions = {}): SubgraphDefinition<RefundsServices, RefundsLoaders> {
  return {
    name: 'refunds',
    entities: [PayoutEntity, PayoutEntitlementEntity, PayoutStandingOrderEntity, PayoutBatchEntity, OutboxMessageEntity],
    migrations: [CreatePayouts1763800000300, AddPayoutFlow1763800000310],
    buildSchema: buildRefundsSchema,
    createServices: (runtime) => createRefundsServices(runtime, options),
    createLoaders: () => ({}),
    backgroundWork: (services, { metrics }) => ({
      relay: services.relay,
      jobs: { 'quarterly-payouts': quarterlyPayouts(services, metrics) },
    }),
    startBackground: (services, { logger, metrics }) => {
      const stopRelay = options.relay === false ? async () => undefined : services.relay.start();
      const stopJobs = every((options.jobsMs === undefined ? services.settings.jobsMs : options.jobsMs) ?? 0, async () => {
        try {
          const created = await quarterlyPayouts(services, metrics)();
          if (created > 0) logger.info({ created }, 'quarterly standing orders paid out');
        } catch (error) {
          logger.error({ err: error }, 'quarterly payout job failed');
        }
      });
      return async () => {
        await stopJobs();
        await stopRelay();
      };
    },
  };
}

export const refundsSubgraph = createRefundsSubgraph();
