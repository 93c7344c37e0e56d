import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths';

export const SUBGRAPH_NAMES = ['accounts', 'payments', 'policies', 'refunds'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** Defaults that make `npm start` work with zero set-up; production refuses to start with them. */
export const DEVELOPMENT_SECRETS = {
  JWT_SECRET: 'development-only-jwt-secret-change-me-0123456789',
  INTERNAL_SIGNING_SECRET: 'development-only-internal-secret-change-me-0123456789',
  STRIPE_SECRET_KEY: 'sk_test_development_only_local_fake',
  STRIPE_WEBHOOK_SECRET: 'whsec_development_only_0123456789abcdef',
  WHATSAPP_APP_SECRET: 'development-only-whatsapp-app-secret-0123456789',
  WHATSAPP_VERIFY_TOKEN: 'development-only-whatsapp-verify-token',
  VOUCHER_PEPPER: 'development-only-voucher-pepper-0123456789abcdef',
} as const;

const DEFAULT_PORTS: Record<SubgraphName | 'gateway', number> = {
  gateway: 4000,
  accounts: 4001,
  payments: 4002,
  policies: 4003,
  refunds: 4004,
};

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

const mysqlUrl = z
  .string()
  .url()
  .refine((value) => /^mysql:\/\//.test(value), 'must be a mysql:// URL (MariaDB or MySQL)');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: port.default(DEFAULT_PORTS.gateway),
  ACCOUNTS_PORT: port.default(DEFAULT_PORTS.accounts),
  PAYMENTS_PORT: port.default(DEFAULT_PORTS.payments),
  POLICIES_PORT: port.default(DEFAULT_PORTS.policies),
  REFUNDS_PORT: port.default(DEFAULT_PORTS.refunds),
  ACCOUNTS_URL: z.string().url().optional(),
  PAYMENTS_URL: z.string().url().optional(),
  POLICIES_URL: z.string().url().optional(),
  REFUNDS_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: mysqlUrl.optional(),
  ACCOUNTS_DATABASE_URL: mysqlUrl.optional(),
  PAYMENTS_DATABASE_URL: mysqlUrl.optional(),
  POLICIES_DATABASE_URL: mysqlUrl.optional(),
  REFUNDS_DATABASE_URL: mysqlUrl.optional(),
  DATABASE_NAME_PREFIX: z
    .string()
    .regex(/^[a-z0-9_]*$/, 'lowercase letters, digits and underscores only')
    .default('guthaben_'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  DATABASE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(5_000),
  READY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  SEED_DEMO_DATA: boolean.optional(),
  JWT_ALGORITHM: z.enum(['HS256', 'RS256', 'ES256', 'EdDSA']).default('HS256'),
  JWT_SECRET: z.string().min(32).default(DEVELOPMENT_SECRETS.JWT_SECRET),
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_JWKS_URL: z.string().url().optional(),
  JWT_ISSUER: z.string().default('guthaben-dev'),
  JWT_AUDIENCE: z.string().default('guthaben'),
  INTERNAL_SIGNING_SECRET: z.string().min(32).default(DEVELOPMENT_SECRETS.INTERNAL_SIGNING_SECRET),
  PRINCIPAL_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(300).default(30),
  INTROSPECTION: z.enum(['all', 'internal', 'none', 'true', 'false']).optional(),
  EXPLORER: boolean.optional(),
  PAYMENT_PAGE_BASE_URL: z.string().url().optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w{8,}$/, 'must be a Stripe secret or restricted key (sk_live_…, rk_live_…, sk_test_…)')
    .default(DEVELOPMENT_SECRETS.STRIPE_SECRET_KEY),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_\w{16,}$/, 'must be a Stripe webhook signing secret (whsec_…)').default(DEVELOPMENT_SECRETS.STRIPE_WEBHOOK_SECRET),
  STRIPE_API_URL: z.string().url().optional(),
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
  PAYMENT_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  PAYMENT_ORDER_TTL_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  TOP_UP_MAXIMUM_CENTS: z.coerce.number().int().min(100).max(10_000_000).default(20_000),
  BALANCE_MAXIMUM_CENTS: z.coerce.number().int().min(100).max(1_000_000_000_000).default(100_000),
  TOP_UP_DAILY_MAXIMUM_CENTS: z.coerce.number().int().min(100).max(100_000_000).default(50_000),
  WHATSAPP_APP_SECRET: z.string().min(16).default(DEVELOPMENT_SECRETS.WHATSAPP_APP_SECRET),
  WHATSAPP_VERIFY_TOKEN: z.string().min(8).default(DEVELOPMENT_SECRETS.WHATSAPP_VERIFY_TOKEN),
  VOUCHER_PEPPER: z.string().min(32).default(DEVELOPMENT_SECRETS.VOUCHER_PEPPER),
  VOUCHER_FAILED_ATTEMPTS_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(5),
  GATEWAY_MAX_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  GATEWAY_MAX_ALIASES: z.coerce.number().int().min(0).max(1000).default(15),
  GATEWAY_MAX_COST: z.coerce.number().int().min(100).max(1_000_000).default(5000),
  GATEWAY_MAX_TOKENS: z.coerce.number().int().min(100).max(100_000).default(4000),
  GATEWAY_MAX_DIRECTIVES: z.coerce.number().int().min(0).max(1000).default(20),
  GATEWAY_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(256 * 1024),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  CORS_ALLOWED_ORIGINS: z.string().default(''),
  SAFELIST_PATH: z.string().optional(),
  SAFELIST_ENFORCE: z.enum(['off', 'partners']).default('off'),
  METRICS_MAX_OPERATION_NAMES: z.coerce.number().int().min(0).max(10_000).default(100),
  TRACING_EXPORTER: z.enum(['none', 'otlp', 'console']).default('none'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().default('http://127.0.0.1:4318/v1/traces'),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  OUTBOX_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(5_000),
  TEST_CRASH_POINT: z
    .string()
    .regex(/^[\w.-]+:(before|after)-handler$/, 'must be <outbox topic>:before-handler or <outbox topic>:after-handler')
    .optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  SUBGRAPH_KEEP_ALIVE_MS: z.coerce.number().int().min(1000).default(65_000),
  GATEWAY_UPSTREAM_IDLE_MS: z.coerce.number().int().min(100).default(4_000),
  GATEWAY_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  WORKERS: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(1024)]).default(1),
});

export type RawEnvironment = z.input<typeof envSchema>;

export interface DatabaseTarget {
  kind: 'sqlite' | 'mysql';
  /** File path for SQLite, connection URL (including the database name) for MySQL. */
  location: string;
  /** Database name on the MySQL server; the file's base name for SQLite. */
  database: string;
}

export interface DatabaseTimeouts {
  /** MariaDB: opening a connection. */
  connectMs: number;
  /** MariaDB: waiting for a free pooled connection. */
  acquireMs: number;
  /** MariaDB: one statement, from sending to the last row. */
  statementMs: number;
  /** SQLite: waiting for another process's write lock. */
  busyMs: number;
}

export interface Config {
  env: 'development' | 'test' | 'production';
  logLevel: string;
  host: string;
  ports: Record<SubgraphName | 'gateway', number>;
  subgraphUrls: Record<SubgraphName, string>;
  databases: Record<SubgraphName, DatabaseTarget>;
  databasePoolSize: number;
  /** Bounds on every wait for the database, so a stalled one becomes SERVICE_UNAVAILABLE, not a hang. */
  databaseTimeouts: DatabaseTimeouts;
  /** How long `/ready` waits for the database (or, at the gateway, for each subgraph) before answering 503. */
  readyTimeoutMs: number;
  seedDemoData: boolean;
  jwt: {
    algorithm: 'HS256' | 'RS256' | 'ES256' | 'EdDSA';
    secret: string;
    publicKey?: string;
    jwksUrl?: string;
    issuer: string;
    audience: string;
  };
  internalSigningSecret: string;
  principalMaxAgeSeconds: number;
  payments: {
    /** Where customers open the payment link (`<base>/pay/<token>`), which leads to the provider's checkout. */
    pageBaseUrl: string;
    stripe: {
      secretKey: string;
      webhookSecret: string;
      /** Another API host than Stripe's (the local fake); never in production. */
      apiUrl: string | null;
      timeoutMs: number;
    };
    webhookToleranceSeconds: number;
    orderTtlMinutes: number;
    whatsAppAppSecret: string;
    whatsAppVerifyToken: string;
    voucherPepper: string;
    voucherFailedAttemptsPerHour: number;
  };
  /** Platform limits where a brand's policy leaves its own unknown (section 11 of the domain rules). */
  topUpLimits: {
    maximumCents: number;
    maximumBalanceCents: number;
    dailyMaximumCents: number;
  };
  outboxPollMs: number;
  /** How long a relay holds a claimed outbox message before another relay may take it over. */
  outboxLeaseMs: number;
  /** Tests only: the process kills itself (SIGKILL) at this point of an outbox delivery. */
  testCrashPoint: { topic: string; when: 'before-handler' | 'after-handler' } | null;
  /** Unregistered operation names that get a metrics label of their own; later ones count as "other". */
  metricsMaxOperationNames: number;
  /** OpenTelemetry traces: off by default; otlp sends to the collector URL, console prints spans. */
  tracing: { exporter: 'none' | 'otlp' | 'console'; otlpUrl: string };
  gateway: {
    maxDepth: number;
    maxAliases: number;
    maxCost: number;
    maxTokens: number;
    maxDirectives: number;
    bodyLimitBytes: number;
    rateLimitPerMinute: number;
    /** Browser origins allowed to call the gateway: per brand for partner frontends, `*` for internal dashboards. */
    corsOrigins: { brand: string; origin: string }[];
    /** Registered partner operations (persisted-query manifest) and whether partners may run only those. */
    safelistPath: string;
    safelistEnforce: 'off' | 'partners';
  };
  /** all: anyone (development explorer); internal: operators, admins and services only; none. */
  introspection: 'all' | 'internal' | 'none';
  /** The gateway serves the GraphiQL explorer: on outside production, opt-in (EXPLORER=true) in production. */
  explorer: boolean;
  shutdownGraceMs: number;
  subgraphKeepAliveMs: number;
  gatewayUpstreamIdleMs: number;
  /** Longest wait for a subgraph's response headers, and between body chunks, before the fetch fails. */
  gatewayUpstreamTimeoutMs: number;
  /** Processes per service (node:cluster workers sharing the port); `auto` is one per core. */
  workers: number;
}

/** `CONGSTAR=https://app.congstar.de,*=https://dashboard.internal` */
function parseCorsOrigins(value: string): { brand: string; origin: string }[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [brand, origin] = entry.split(/=(.*)/s, 2) as [string, string | undefined];
      if (!origin || !/^https?:\/\/[^/\s]+$/.test(origin) || !/^(\*|[A-Z_]+)$/.test(brand)) {
        throw new ConfigError(`CORS_ALLOWED_ORIGINS: "${entry}" is not BRAND=https://origin (or *=https://origin)`);
      }
      return { brand, origin };
    });
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function databaseTarget(
  name: SubgraphName,
  env: z.output<typeof envSchema>,
): DatabaseTarget {
  const own = env[`${name.toUpperCase()}_DATABASE_URL` as 'ACCOUNTS_DATABASE_URL'];
  if (own) {
    const database = new URL(own).pathname.replace(/^\//, '');
    if (!database) throw new ConfigError(`${name.toUpperCase()}_DATABASE_URL must name a database`);
    return { kind: 'mysql', location: own, database };
  }
  if (env.DATABASE_URL) {
    const url = new URL(env.DATABASE_URL);
    const database = `${env.DATABASE_NAME_PREFIX}${name}`;
    url.pathname = `/${database}`;
    return { kind: 'mysql', location: url.toString(), database };
  }
  return {
    kind: 'sqlite',
    location: `${env.DATA_DIR.replace(/\/$/, '')}/${env.DATABASE_NAME_PREFIX}${name}.sqlite`,
    database: `${env.DATABASE_NAME_PREFIX}${name}`,
  };
}

/** Parses and validates the environment. Call once per process (see `config()`), or with overrides in tests. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== '')),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const env = parsed.data;
  const ports = {
    gateway: env.GATEWAY_PORT,
    accounts: env.ACCOUNTS_PORT,
    payments: env.PAYMENTS_PORT,
    policies: env.POLICIES_PORT,
    refunds: env.REFUNDS_PORT,
  };
  const subgraphUrl = (name: SubgraphName): string =>
    env[`${name.toUpperCase()}_URL` as 'ACCOUNTS_URL'] ?? `http://127.0.0.1:${ports[name]}/graphql`;
  const databases = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [name, databaseTarget(name, env)]),
  ) as Record<SubgraphName, DatabaseTarget>;

  const config: Config = {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    host: env.HOST,
    ports,
    subgraphUrls: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, subgraphUrl(name)])) as Record<
      SubgraphName,
      string
    >,
    databases,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseTimeouts: {
      connectMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      acquireMs: env.DATABASE_ACQUIRE_TIMEOUT_MS,
      statementMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      busyMs: env.DATABASE_BUSY_TIMEOUT_MS,
    },
    readyTimeoutMs: env.READY_TIMEOUT_MS,
    seedDemoData: env.SEED_DEMO_DATA ?? (env.NODE_ENV === 'development' && databases.accounts.kind === 'sqlite'),
    jwt: {
      algorithm: env.JWT_ALGORITHM,
      secret: env.JWT_SECRET,
      publicKey: env.JWT_PUBLIC_KEY,
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    },
    internalSigningSecret: env.INTERNAL_SIGNING_SECRET,
    principalMaxAgeSeconds: env.PRINCIPAL_MAX_AGE_SECONDS,
    payments: {
      pageBaseUrl: (env.PAYMENT_PAGE_BASE_URL ?? `http://localhost:${ports.payments}`).replace(/\/$/, ''),
      stripe: {
        secretKey: env.STRIPE_SECRET_KEY,
        webhookSecret: env.STRIPE_WEBHOOK_SECRET,
        apiUrl: env.STRIPE_API_URL ?? (env.NODE_ENV === 'production' ? null : 'http://127.0.0.1:4010'),
        timeoutMs: env.STRIPE_TIMEOUT_MS,
      },
      webhookToleranceSeconds: env.PAYMENT_WEBHOOK_TOLERANCE_SECONDS,
      orderTtlMinutes: env.PAYMENT_ORDER_TTL_MINUTES,
      whatsAppAppSecret: env.WHATSAPP_APP_SECRET,
      whatsAppVerifyToken: env.WHATSAPP_VERIFY_TOKEN,
      voucherPepper: env.VOUCHER_PEPPER,
      voucherFailedAttemptsPerHour: env.VOUCHER_FAILED_ATTEMPTS_PER_HOUR,
    },
    topUpLimits: {
      maximumCents: env.TOP_UP_MAXIMUM_CENTS,
      maximumBalanceCents: env.BALANCE_MAXIMUM_CENTS,
      dailyMaximumCents: env.TOP_UP_DAILY_MAXIMUM_CENTS,
    },
    outboxPollMs: env.OUTBOX_POLL_MS,
    outboxLeaseMs: env.OUTBOX_LEASE_MS,
    testCrashPoint: env.TEST_CRASH_POINT
      ? { topic: env.TEST_CRASH_POINT.split(':')[0]!, when: env.TEST_CRASH_POINT.split(':')[1] as 'before-handler' | 'after-handler' }
      : null,
    metricsMaxOperationNames: env.METRICS_MAX_OPERATION_NAMES,
    tracing: { exporter: env.TRACING_EXPORTER, otlpUrl: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT },
    gateway: {
      maxDepth: env.GATEWAY_MAX_DEPTH,
      maxAliases: env.GATEWAY_MAX_ALIASES,
      maxCost: env.GATEWAY_MAX_COST,
      maxTokens: env.GATEWAY_MAX_TOKENS,
      maxDirectives: env.GATEWAY_MAX_DIRECTIVES,
      bodyLimitBytes: env.GATEWAY_BODY_LIMIT_BYTES,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      corsOrigins: parseCorsOrigins(env.CORS_ALLOWED_ORIGINS),
      safelistPath: env.SAFELIST_PATH ?? join(projectRoot(), 'schema', 'safelist.json'),
      safelistEnforce: env.SAFELIST_ENFORCE,
    },
    introspection:
      env.INTROSPECTION === 'true' ? 'all' : env.INTROSPECTION === 'false' ? 'none' : (env.INTROSPECTION ?? (env.NODE_ENV === 'production' ? 'none' : 'all')),
    explorer: env.EXPLORER ?? env.NODE_ENV !== 'production',
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    subgraphKeepAliveMs: env.SUBGRAPH_KEEP_ALIVE_MS,
    gatewayUpstreamIdleMs: env.GATEWAY_UPSTREAM_IDLE_MS,
    gatewayUpstreamTimeoutMs: env.GATEWAY_UPSTREAM_TIMEOUT_MS,
    workers: env.WORKERS === 'auto' ? availableParallelism() : env.WORKERS,
  };
  if (config.gatewayUpstreamIdleMs >= config.subgraphKeepAliveMs) {
    // Otherwise a subgraph may close a socket the gateway is about to reuse (ECONNRESET).
    throw new ConfigError('GATEWAY_UPSTREAM_IDLE_MS must be shorter than SUBGRAPH_KEEP_ALIVE_MS');
  }
  assertProductionSafe(config);
  return config;
}

/** HS256 keys shorter than the hash (RFC 7518 §3.2) are refused; so is text with little entropy in it. */
const MIN_SECRET_BYTES = 32;
const MIN_SECRET_BITS = 128;

/**
 * A cautious estimate of a secret's entropy: its length times the Shannon entropy of its own
 * character frequencies. 32 random bytes written as hex (about 250 bits) or base64 (about 220)
 * pass with room; repeated or patterned text ("a" × 32: 0 bits, "password" × 4: 88) does not.
 */
export function estimatedSecretBits(secret: string): number {
  const counts = new Map<string, number>();
  for (const character of secret) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bitsPerCharacter = 0;
  for (const count of counts.values()) {
    const share = count / secret.length;
    bitsPerCharacter -= share * Math.log2(share);
  }
  return bitsPerCharacter * secret.length;
}

function weakSecret(secret: string): boolean {
  return Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES || estimatedSecretBits(secret) < MIN_SECRET_BITS;
}

function assertProductionSafe(config: Config): void {
  if (config.env !== 'production') return;
  const problems: string[] = [];
  if (config.internalSigningSecret === DEVELOPMENT_SECRETS.INTERNAL_SIGNING_SECRET) {
    problems.push('INTERNAL_SIGNING_SECRET is the development default');
  }
  if (config.jwt.algorithm === 'HS256' && config.jwt.secret === DEVELOPMENT_SECRETS.JWT_SECRET) {
    problems.push('JWT_SECRET is the development default');
  }
  const signingSecrets: [string, string, boolean][] = [
    ['JWT_SECRET', config.jwt.secret, config.jwt.algorithm === 'HS256'],
    ['INTERNAL_SIGNING_SECRET', config.internalSigningSecret, true],
  ];
  for (const [name, secret, inUse] of signingSecrets) {
    if (inUse && weakSecret(secret)) {
      problems.push(
        `${name} is too weak: use at least ${MIN_SECRET_BYTES} random bytes (e.g. \`openssl rand -hex 32\`); ` +
          `about ${Math.floor(estimatedSecretBits(secret))} of the ${MIN_SECRET_BITS} bits of entropy required`,
      );
    }
  }
  const developmentDefaults: [string, string][] = [
    ['STRIPE_SECRET_KEY', config.payments.stripe.secretKey],
    ['STRIPE_WEBHOOK_SECRET', config.payments.stripe.webhookSecret],
    ['WHATSAPP_APP_SECRET', config.payments.whatsAppAppSecret],
    ['WHATSAPP_VERIFY_TOKEN', config.payments.whatsAppVerifyToken],
    ['VOUCHER_PEPPER', config.payments.voucherPepper],
  ];
  for (const [name, value] of developmentDefaults) {
    if (value === DEVELOPMENT_SECRETS[name as keyof typeof DEVELOPMENT_SECRETS]) problems.push(`${name} is the development default`);
  }
  if (config.testCrashPoint) problems.push('TEST_CRASH_POINT is for tests only');
  if (config.payments.stripe.apiUrl !== null) {
    problems.push('STRIPE_API_URL points the payment provider at a local fake; production talks to Stripe itself');
  }
  if (config.jwt.algorithm !== 'HS256' && !config.jwt.publicKey && !config.jwt.jwksUrl) {
    problems.push(`JWT_ALGORITHM ${config.jwt.algorithm} needs JWT_PUBLIC_KEY or JWT_JWKS_URL`);
  }
  if (problems.length > 0) {
    throw new ConfigError(`Refusing to start in production:\n  ${problems.join('\n  ')}`);
  }
}

let cached: Config | undefined;

/** The process-wide configuration, parsed from the environment on first use. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
