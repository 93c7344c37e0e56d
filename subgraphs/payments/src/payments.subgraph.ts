import { every } from '../../common/src/background';
import { systemClock } from '../../common/src/clock';
import type { Clock } from '../../common/src/clock';
import { DomainError } from '../../common/src/errors';
import { sendJson } from '../../common/src/http';
import type { Route } from '../../common/src/http';
import { OutboxMessageEntity } from '../../common/src/outbox/outbox-message.entity';
import { withCrashPoint } from '../../common/src/outbox/crash-point';
import { OutboxRelay } from '../../common/src/outbox/outbox.service';
import type { OutboxHandler, OutboxMessage } from '../../common/src/outbox/outbox.service';
import type { PaymentMethod } from '../../common/src/policy/policy-document';
import { BrandPolicyClient } from '../../common/src/policy/brand-policy.client';
import { SubgraphClient } from '../../common/src/subgraph-client';
import type { SubgraphDefinition, SubgraphRuntime } from '../../common/src/subgraph';
import { TransactionRunner } from '../../common/src/transaction';
import { AccountsHttpAdapter } from './adapters/accounts-http.adapter';
import { StripePaymentProvider } from './adapters/stripe-payment-provider.adapter';
import { PoliciesHttpAdapter } from './adapters/policies-http.adapter';
import { AutoTopUpRuleEntity } from './entities/auto-top-up-rule.entity';
import { PaymentDisputeEntity } from './entities/payment-dispute.entity';
import { PaymentEventEntity } from './entities/payment-event.entity';
import { SavedPaymentMethodEntity } from './entities/saved-payment-method.entity';
import { TopUpOrderEntity } from './entities/top-up-order.entity';
import type { OrderPaymentMethod, TopUpChannel } from './entities/top-up-order.entity';
import { VoucherAttemptEntity, VoucherBatchEntity, VoucherEntity } from './entities/voucher.entity';
import { WhatsAppMessageEntity } from './entities/whatsapp-message.entity';
import { CreateTopUpOrders1763800000200 } from './migrations/1763800000200-create-top-up-orders.migration';
import { AddPaymentFlow1763800000210 } from './migrations/1763800000210-add-payment-flow.migration';
import { AddPaymentProvider1763800000220 } from './migrations/1763800000220-add-payment-provider.migration';
import { VoucherAttemptCaller1763800000217 } from './migrations/1763800000217-voucher-attempt-caller.migration';
import type { AccountsPort } from './ports/accounts.port';
import type { PaymentProviderPort } from './ports/payment-provider.port';
import type { PoliciesPort } from './ports/policies.port';
import { paymentPageRoutes } from './routes/payment-page.routes';
import { buildPaymentsSchema } from './schema';
import type { PaymentsLoaders } from './schema';
import { AutoTopUpService, CHARGE_TOPIC, NOTIFICATION_TOPIC } from './services/auto-top-up.service';
import { CheckoutService } from './services/checkout.service';
import { DisputeService } from './services/dispute.service';
import { CHARGEBACK_TOPIC, METHOD_SAVED_TOPIC, PAYMENT_WEBHOOK_PATH, PaymentWebhookService, STRIPE_SIGNATURE_HEADER } from './services/payment-webhook.service';
import { CREDIT_TOPIC, REFUND_TOPIC, TopUpService } from './services/top-up.service';
import type { CreditMessage } from './services/top-up.service';
import { VoucherService } from './services/voucher.service';
import { LoggingWhatsAppSender, WHATSAPP_SEND_TOPIC, WHATSAPP_SIGNATURE_HEADER, WhatsAppService } from './services/whatsapp.service';
import type { WhatsAppSendMessage } from './services/whatsapp.service';

export { PAYMENT_WEBHOOK_PATH };
export const WHATSAPP_WEBHOOK_PATH = '/webhooks/whatsapp';

export interface PaymentsServices {
  clock: Clock;
  topUps: TopUpService;
  checkout: CheckoutService;
  webhooks: PaymentWebhookService;
  whatsApp: WhatsAppService;
  vouchers: VoucherService;
  autoTopUps: AutoTopUpService;
  disputes: DisputeService;
  provider: PaymentProviderPort;
  relay: OutboxRelay;
  accounts: AccountsPort;
  policies: PoliciesPort;
  checkoutUrl: (order: TopUpOrderEntity) => string;
  allowedMethods: (brandCode: string, channel: TopUpChannel, accountId?: string) => Promise<OrderPaymentMethod[]>;
  runJobs: () => Promise<void>;
}

export interface PaymentsOptions {
  clock?: Clock;
  /** Replaces the accounts adapter (the accounts subgraph over HTTP), e.g. to fail deliveries in a test. */
  accounts?: (runtime: SubgraphRuntime) => AccountsPort;
  /** Replaces the payment provider adapter (Stripe through its SDK). */
  provider?: (runtime: SubgraphRuntime) => PaymentProviderPort;
  backgroundJobsMs?: number | null;
}

/** Refusals by the ledger that retrying cannot change: the money goes back instead. */
const FINAL_CREDIT_REFUSALS = new Set(['SIM_INACTIVE', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'LIMIT_EXCEEDED']);
const DEFAULT_METHODS: OrderPaymentMethod[] = ['PAYPAL', 'SOFORTUEBERWEISUNG', 'VISA', 'MASTERCARD'];

export function createPaymentsServices(runtime: SubgraphRuntime, options: PaymentsOptions = {}): PaymentsServices {
  const { dataSource, config, logger } = runtime;
  const clock = options.clock ?? systemClock;
  const transactions = new TransactionRunner(dataSource);
  // One keep-alive pool to accounts, shared by the adapter and the notification relay.
  const accountsClient = new SubgraphClient(config, 'accounts', 'payments');
  const accounts = options.accounts?.(runtime) ?? new AccountsHttpAdapter(accountsClient);
  const policies = new PoliciesHttpAdapter(new BrandPolicyClient(new SubgraphClient(config, 'policies', 'payments')));
  const orders = dataSource.getRepository(TopUpOrderEntity);
  const topUps = new TopUpService(orders, transactions, accounts, policies, clock, config.payments.orderTtlMinutes, config.topUpLimits);
  const provider =
    options.provider?.(runtime) ??
    new StripePaymentProvider({ ...config.payments.stripe, webhookToleranceSeconds: config.payments.webhookToleranceSeconds });
  const disputes = new DisputeService(dataSource.getRepository(PaymentDisputeEntity), clock);
  const allowedMethods = async (brandCode: string, channel: TopUpChannel, accountId?: string): Promise<OrderPaymentMethod[]> => {
    const policy = await policies.topUpPolicy(brandCode, clock.now());
    const listed = policy.topUp.channels.find((candidate) => candidate.kind === channel)?.paymentMethods;
    const methods = ((listed as PaymentMethod[] | null) ?? DEFAULT_METHODS).filter((method): method is OrderPaymentMethod =>
      (DEFAULT_METHODS as string[]).concat('SEPA_DIRECT_DEBIT').includes(method),
    );
    if (!accountId) return methods;
    // A method charged back pays no further top-ups of this account until the dispute is resolved.
    const blocked = await disputes.blockedMethods(accountId);
    return methods.filter((method) => !blocked.has(method));
  };
  const checkout = new CheckoutService(orders, topUps, accounts, provider, allowedMethods, config.payments.pageBaseUrl, logger);
  const autoTopUps = new AutoTopUpService(
    dataSource.getRepository(AutoTopUpRuleEntity),
    transactions,
    topUps,
    accounts,
    provider,
    dataSource.getRepository(SavedPaymentMethodEntity),
    disputes,
    clock,
    logger,
    config.payments.pageBaseUrl,
  );
  const webhooks = new PaymentWebhookService(transactions, topUps, autoTopUps, disputes, provider, clock, logger);
  const whatsApp = new WhatsAppService(
    dataSource.getRepository(WhatsAppMessageEntity),
    transactions,
    topUps,
    (order) => checkout.paymentLink(order),
    clock,
    logger,
    config.payments.whatsAppAppSecret,
    config.payments.whatsAppVerifyToken,
  );
  const sender = new LoggingWhatsAppSender(dataSource.getRepository(WhatsAppMessageEntity), clock);
  const vouchers = new VoucherService(
    dataSource.getRepository(VoucherAttemptEntity),
    dataSource.getRepository(VoucherEntity),
    transactions,
    topUps,
    clock,
    config.payments.voucherPepper,
    config.payments.voucherFailedAttemptsPerHour,
  );

  const handlers: Record<string, OutboxHandler> = {
    // Exactly-once crediting: the ledger deduplicates by reference = order id, the relay retries until acknowledged.
    [CREDIT_TOPIC]: async (message: OutboxMessage) => {
      const credit = message.payload as CreditMessage;
      let result;
      try {
        result = await accounts.credit({
          accountId: credit.accountId,
          amountCents: credit.amountCents,
          reference: credit.orderId,
          reason: `Aufladung (${credit.channel})`,
        });
      } catch (error) {
        // A refusal by the ledger (the contract ended since the order was paid, a limit) is final:
        // retrying cannot change it. The money goes back to the customer instead, once.
        if (error instanceof DomainError && FINAL_CREDIT_REFUSALS.has(error.code)) {
          logger.warn({ orderId: credit.orderId, code: error.code }, 'credit refused by the ledger; the payment is refunded');
          return (manager) => topUps.markCreditRefused(manager, credit.orderId, `${error.code}: ${error.message}`);
        }
        throw error;
      }
      return async (manager) => {
        const order = await topUps.markCredited(manager, credit.orderId);
        if (!order) return;
        await autoTopUps.onCredited(manager, order, result.balanceCents);
        if (order.channel === 'WHATSAPP') {
          const account = await accounts.findById(order.accountId);
          if (account) await whatsApp.confirmCredited(manager, order, account.msisdn, result.balanceCents);
        }
      };
    },
    // The provider deduplicates by our idempotency key (refund:<order>): a redelivery after a crash makes no second refund.
    [REFUND_TOPIC]: async (message: OutboxMessage) => {
      const { orderId } = message.payload as { orderId: string };
      const order = await topUps.byId(orderId);
      if (!order || order.status !== 'REFUND_PENDING') return;
      const refund = await provider.refund(order, order.refundReason ?? 'refund');
      if (refund.status === 'FAILED') throw new Error(`the provider refused the refund of order ${orderId}`);
      return async (manager) => {
        if (refund.status === 'SUCCEEDED') await topUps.markRefunded(manager, orderId, refund.refundId);
        else await manager.getRepository(TopUpOrderEntity).update({ id: orderId }, { providerRefundId: refund.refundId });
      };
    },
    [CHARGE_TOPIC]: async (message: OutboxMessage) => {
      const { orderId } = message.payload as { orderId: string };
      const charged = await autoTopUps.chargeOrder(orderId);
      if (!charged) return;
      const { order, result } = charged;
      const base = { created: clock.now(), orderId: order.id };
      if (result.outcome === 'SUCCEEDED') {
        await webhooks.applyOnce({ ...base, eventId: `charge:${order.id}:succeeded`, kind: 'PAYMENT_SUCCEEDED', amountCents: order.amountCents, currency: 'eur', paymentId: result.paymentId, method: null, fingerprint: null });
      } else if (result.outcome === 'DECLINED') {
        await webhooks.applyOnce({ ...base, eventId: `charge:${order.id}:declined`, kind: 'PAYMENT_FAILED', reason: result.code, needsCustomer: result.needsCustomer });
      }
    },
    [METHOD_SAVED_TOPIC]: async (message: OutboxMessage) => {
      const { setupReference, setupId } = message.payload as { setupReference: string; setupId: string };
      await autoTopUps.completeMethodSetup(setupReference, setupId);
    },
    [CHARGEBACK_TOPIC]: async (message: OutboxMessage) => {
      const { disputeId, won } = message.payload as { disputeId: string; won?: boolean };
      const dispute = await dataSource.getRepository(PaymentDisputeEntity).findOneBy({ id: disputeId });
      if (!dispute) return;
      if (won) {
        await accounts.credit({ accountId: dispute.accountId, amountCents: dispute.recoveredCents, reference: `chargeback-won:${dispute.id}`, reason: 'Rückbuchung aufgehoben (Chargeback gewonnen)' });
        return;
      }
      const recovered = await accounts.recoverCredit({ accountId: dispute.accountId, amountCents: dispute.amountCents, reference: `chargeback:${dispute.id}`, reason: 'Rückbuchung der Zahlung (Chargeback)' });
      return async (manager) => {
        await manager.getRepository(PaymentDisputeEntity).update({ id: dispute.id }, { recoveredCents: recovered, owedCents: dispute.amountCents - recovered });
      };
    },
    [WHATSAPP_SEND_TOPIC]: async (message: OutboxMessage) => {
      const send = message.payload as WhatsAppSendMessage;
      await sender.send(send.to, send.text, send.orderId);
    },
    [NOTIFICATION_TOPIC]: async (message: OutboxMessage) => {
      const notification = message.payload as { accountId: string; kind: string; message: string; reference: string };
      await accountsClient.request(
        `mutation Notify($input: NotificationInput!) { createNotification(input: $input) { id } }`,
        { input: notification },
      );
    },
  };
  const relay = new OutboxRelay(transactions, withCrashPoint(handlers, config.testCrashPoint), clock, logger, { pollMs: config.outboxPollMs, leaseMs: config.outboxLeaseMs });

  return {
    clock,
    topUps,
    checkout,
    webhooks,
    whatsApp,
    vouchers,
    autoTopUps,
    disputes,
    provider,
    relay,
    accounts,
    policies,
    checkoutUrl: (order) => checkout.paymentLink(order),
    allowedMethods,
    runJobs: async () => {
      // The provider's checkout closes too, so the link cannot take money for an expired order.
      for (const sessionId of await topUps.expireOverdue()) {
        await provider.expireCheckout(sessionId).catch((error: unknown) => logger.warn({ err: error }, 'checkout of an expired order could not be closed at the provider'));
      }
      await autoTopUps.runMonthly();
      await autoTopUps.retryFailed(async (accountId) => (await accounts.findById(accountId))?.balanceCents ?? null);
    },
  };
}

function paymentsRoutes(services: PaymentsServices): Route[] {
  return [
    ...paymentPageRoutes(services.checkout),
    {
      method: 'POST',
      path: PAYMENT_WEBHOOK_PATH,
      handle: async ({ req, res, body }) => {
        const header = req.headers[STRIPE_SIGNATURE_HEADER];
        const answer = await services.webhooks.receive(await body(), typeof header === 'string' ? header : undefined);
        sendJson(res, answer.status, answer.body);
      },
    },
    {
      method: 'GET',
      path: WHATSAPP_WEBHOOK_PATH,
      handle: ({ res, url }) => {
        const challenge = services.whatsApp.verifySubscription(url.searchParams);
        if (challenge === null) return sendJson(res, 403, { error: 'verification failed' });
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(challenge);
      },
    },
    {
      method: 'POST',
      path: WHATSAPP_WEBHOOK_PATH,
      handle: async ({ req, res, body }) => {
        const raw = await body();
        const header = req.headers[WHATSAPP_SIGNATURE_HEADER];
        if (!services.whatsApp.verifySignature(raw, typeof header === 'string' ? header : undefined)) {
          return sendJson(res, 401, { error: 'invalid signature' });
        }
        const handled = await services.whatsApp.receive(raw);
        if (handled === null) return sendJson(res, 400, { error: 'not a WhatsApp Business webhook payload' });
        sendJson(res, 200, { received: true, handled });
      },
    },
  ];
}

/** The job the timer runs, counted in /metrics under its name; admins may run it once. */
function paymentsJobs(services: PaymentsServices, metrics: SubgraphRuntime['metrics']): () => Promise<void> {
  return () => metrics.timeJob('payments-jobs', services.runJobs);
}

export function createPaymentsSubgraph(options: PaymentsOptions = {}): SubgraphDefinition<PaymentsServices, PaymentsLoaders> {
  return {
    name: 'payments',
    entities: [
      TopUpOrderEntity,
      PaymentEventEntity,
      OutboxMessageEntity,
      WhatsAppMessageEntity,
      VoucherBatchEntity,
      VoucherEntity,
      VoucherAttemptEntity,
      AutoTopUpRuleEntity,
      SavedPaymentMethodEntity,
      PaymentDisputeEntity,
    ],
    migrations: [CreateTopUpOrders1763800000200, AddPaymentFlow1763800000210, VoucherAttemptCaller1763800000217, AddPaymentProvider1763800000220],
    buildSchema: buildPaymentsSchema,
    createServices: (runtime) => createPaymentsServices(runtime, options),
    createLoaders: () => ({}),
    routes: (services) => paymentsRoutes(services),
    backgroundWork: (services, { metrics }) => ({ relay: services.relay, jobs: { 'payments-jobs': paymentsJobs(services, metrics) } }),
    startBackground: (services, { logger, metrics }) => {
      const stopRelay = services.relay.start();
      const stopJobs = every(options.backgroundJobsMs === undefined ? 60_000 : (options.backgroundJobsMs ?? 0), async () => {
        try {
          await paymentsJobs(services, metrics)();
        } catch (error) {
          logger.error({ err: error }, 'payments jobs failed');
        }
      });
      return async () => {
        await stopJobs();
        await stopRelay();
      };
    },
  };
}

export const paymentsSubgraph = createPaymentsSubgraph();
