import { startGateway } from '../../gateway/src/gateway';
import type { RunningGateway } from '../../gateway/src/gateway';
import { issueDevelopmentToken } from '../../gateway/src/jwt';
import type { AccessTokenClaims } from '../../gateway/src/jwt';
import type { Clock } from '../../subgraphs/common/src/clock';
import type { Config, SubgraphName } from '../../subgraphs/common/src/config';
import { startSubgraph } from '../../subgraphs/common/src/subgraph';
import type { RunningSubgraph, SubgraphDefinition } from '../../subgraphs/common/src/subgraph';
import { eventually } from '../../subgraphs/common/src/testing/eventually';
import { postGraphQL } from '../../subgraphs/common/src/testing/graphql-client';
import type { GraphQLResponse } from '../../subgraphs/common/src/testing/graphql-client';
import { freePorts } from '../../subgraphs/common/src/testing/free-ports';
import { createTestConfig } from '../../subgraphs/common/src/testing/test-database';
import { createAccountsSubgraph } from '../../subgraphs/accounts/src/accounts.subgraph';
import { createPaymentsSubgraph } from '../../subgraphs/payments/src/payments.subgraph';
import { createPoliciesSubgraph } from '../../subgraphs/policies/src/policies.subgraph';
import { createRefundsSubgraph } from '../../subgraphs/refunds/src/refunds.subgraph';
import { SUBGRAPHS } from '../../subgraphs/registry';
import { startStripeFake } from '../../subgraphs/payments/src/fake-provider/stripe-fake';
import type { StripeFake } from '../../subgraphs/payments/src/fake-provider/stripe-fake';
import { PAYMENT_WEBHOOK_PATH } from '../../subgraphs/payments/src/services/payment-webhook.service';
import { DEVELOPMENT_SECRETS } from '../../subgraphs/common/src/config';

export interface TestStackOptions {
  /** One clock for every subgraph (e.g. a FixedClock to move months forward); the system clock when omitted. */
  clock?: Clock;
  /** Replaces the registry's definition of these subgraphs (e.g. built with short job intervals). */
  definitions?: Partial<Record<SubgraphName, SubgraphDefinition<unknown, unknown>>>;
}

/** The registry's subgraphs, in the same order, built with the given clock. */
function subgraphsWith(clock: Clock): readonly SubgraphDefinition<unknown, unknown>[] {
  const byName: Record<string, SubgraphDefinition<unknown, unknown>> = {
    accounts: createAccountsSubgraph({ clock }) as SubgraphDefinition<unknown, unknown>,
    payments: createPaymentsSubgraph({ clock }) as SubgraphDefinition<unknown, unknown>,
    policies: createPoliciesSubgraph({ clock }) as SubgraphDefinition<unknown, unknown>,
    refunds: createRefundsSubgraph({ clock }) as SubgraphDefinition<unknown, unknown>,
  };
  return SUBGRAPHS.map((definition) => byName[definition.name]!);
}

export interface TestStack {
  config: Config;
  /** The local Stripe fake the payments subgraph's real Stripe SDK talks to. */
  stripe: StripeFake;
  /** Base URL of the payments service (webhooks, payment links). */
  paymentsBase: string;
  gateway: RunningGateway;
  subgraphs: Record<SubgraphName, RunningSubgraph<unknown>>;
  token: (claims: Partial<AccessTokenClaims> & Pick<AccessTokenClaims, 'role'>) => Promise<string>;
  /** A query through the gateway with the given token (or none). */
  query: <TData = Record<string, unknown>>(
    token: string | undefined,
    query: string,
    variables?: Record<string, unknown>,
  ) => Promise<GraphQLResponse<TData>>;
  /** Loads the demo accounts (README examples, deterministic ids and numbers). */
  seedDemoData: () => Promise<void>;
  /**
   * The customer saves a card at the provider for automatic top-ups (Checkout in setup mode at the
   * Stripe fake, its webhook, the relay); resolves with the id to use as paymentMethodRef.
   */
  savePaymentMethod: (accountId: string) => Promise<string>;
  stop: () => Promise<void>;
}

/**
 * The whole federated system on loopback: four subgraph HTTP servers with fresh databases and the
 * gateway on the committed supergraph, talking real HTTP.
 */
export async function startTestStack(overrides: Record<string, string> = {}, options: TestStackOptions = {}): Promise<TestStack> {
  const definitions = (options.clock ? subgraphsWith(options.clock) : SUBGRAPHS).map(
    (definition) => options.definitions?.[definition.name] ?? definition,
  );
  const ports = await freePorts(SUBGRAPHS.length);
  const portSettings = Object.fromEntries(
    SUBGRAPHS.flatMap((definition, index) => [
      [`${definition.name.toUpperCase()}_PORT`, String(ports[index])],
      [`${definition.name.toUpperCase()}_URL`, `http://127.0.0.1:${ports[index]}/graphql`],
    ]),
  );
  const stripe = await startStripeFake({
    webhookSecret: overrides.STRIPE_WEBHOOK_SECRET ?? DEVELOPMENT_SECRETS.STRIPE_WEBHOOK_SECRET,
    ...(options.clock ? { now: () => options.clock!.now() } : {}),
  });
  // A production-mode stack refuses the fake (and never reaches Stripe in those tests).
  const provider: Record<string, string> = overrides.NODE_ENV === 'production' ? {} : { STRIPE_API_URL: stripe.url, STRIPE_TIMEOUT_MS: '2000' };
  const { config, cleanup } = createTestConfig({ ...portSettings, ...provider, ...overrides });
  const started: RunningSubgraph<unknown>[] = [];
  try {
    for (const definition of definitions) started.push(await startSubgraph(definition, config, { migrate: true }));
  } catch (error) {
    await Promise.all(started.map((subgraph) => subgraph.stop()));
    await stripe.stop();
    await cleanup();
    throw error;
  }
  const paymentsBase = started.find((subgraph) => subgraph.name === 'payments')!.url.replace(/\/graphql$/, '');
  stripe.setWebhookUrl(`${paymentsBase}${PAYMENT_WEBHOOK_PATH}`);
  const subgraphs = Object.fromEntries(started.map((subgraph) => [subgraph.name, subgraph])) as TestStack['subgraphs'];
  const gateway = await startGateway(config, {
    port: 0,
    subgraphUrls: Object.fromEntries(started.map((subgraph) => [subgraph.name, subgraph.url])),
  });
  return {
    config,
    stripe,
    paymentsBase,
    gateway,
    subgraphs,
    token: (claims) => issueDevelopmentToken(config, { sub: `test-${claims.role}`, ...claims }, '10m'),
    query: (token, query, variables = {}) =>
      postGraphQL(gateway.url, query, variables, token ? { authorization: `Bearer ${token}` } : {}),
    savePaymentMethod: async (accountId) => {
      const token = await issueDevelopmentToken(config, { sub: 'test-service', role: 'service' }, '10m');
      const query = <T>(text: string, variables: Record<string, unknown>) => postGraphQL<T>(gateway.url, text, variables, { authorization: `Bearer ${token}` });
      const setup = await query<{ startPaymentMethodSetup: { id: string; setupUrl: string } }>('mutation($a: ID!) { startPaymentMethodSetup(accountId: $a) { id setupUrl } }', { a: accountId });
      if (!setup.data) throw new Error(`startPaymentMethodSetup failed: ${JSON.stringify(setup.errors)}`);
      const { id, setupUrl } = setup.data.startPaymentMethodSetup;
      await stripe.completeCheckout(/\/checkout\/([\w-]+)$/.exec(setupUrl)![1]!, { method: 'card', cardBrand: 'visa' });
      await eventually(async () => {
        const saved = await query<{ account: { savedPaymentMethods: { id: string }[] } }>('query($a: ID!) { account(id: $a) { savedPaymentMethods { id } } }', { a: accountId });
        return saved.data?.account.savedPaymentMethods.some((method) => method.id === id);
      }, 'the saved payment method');
      return id;
    },
    seedDemoData: async () => {
      await (subgraphs.accounts as unknown as { services: { demoData: { seed: () => Promise<number> } } }).services.demoData.seed();
    },
    stop: async () => {
      await gateway.stop();
      await Promise.all(started.map((subgraph) => subgraph.stop()));
      await stripe.stop();
      await cleanup();
    },
  };
}
