import { availableParallelism } from 'node:os';
import { ConfigError, DEVELOPMENT_SECRETS, loadConfig } from './config';

// 32 random bytes as hex and as base64url, the forms `openssl rand` and Node's randomBytes give.
const STRONG_JWT = '3f9c1a7be04d52e8a61f0c9d7b3e2a5f48d16c0b9e7a3f2154c8d0e6b1a9f7c3';
const STRONG_INTERNAL = 'q8Zt1Xw3bN0vR7yLk2PfHs9Uj4Ce6Am5Gd-Ti_Wo8Qx';
/** Production settings that pass every check; each test breaks one. */
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: STRONG_JWT,
  INTERNAL_SIGNING_SECRET: STRONG_INTERNAL,
  STRIPE_SECRET_KEY: `sk_live_${'k'.repeat(24)}`,
  STRIPE_WEBHOOK_SECRET: `whsec_${'w'.repeat(32)}`,
  WHATSAPP_APP_SECRET: 'w'.repeat(40),
  WHATSAPP_VERIFY_TOKEN: 'v'.repeat(20),
  VOUCHER_PEPPER: 'x'.repeat(40),
};

describe('config', () => {
  it('defaults to embedded SQLite files under ./data with one database per subgraph', () => {
    const config = loadConfig({});
    expect(config.databases.accounts).toEqual({
      kind: 'sqlite',
      location: './data/guthaben_accounts.sqlite',
      database: 'guthaben_accounts',
    });
    expect(config.subgraphUrls.policies).toBe('http://127.0.0.1:4003/graphql');
    expect(config.ports.gateway).toBe(4000);
    expect(config.seedDemoData).toBe(true);
    expect(config.introspection).toBe('all');
  });

  it('switches every subgraph to its own MariaDB database with one server URL', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1:3306' });
    expect(config.databases.refunds).toEqual({
      kind: 'mysql',
      location: 'mysql://root@127.0.0.1:3306/guthaben_refunds',
      database: 'guthaben_refunds',
    });
    expect(config.seedDemoData).toBe(false);
  });

  it('lets one subgraph use a URL of its own', () => {
    const config = loadConfig({
      DATABASE_URL: 'mysql://root@127.0.0.1:3306',
      PAYMENTS_DATABASE_URL: 'mysql://app:pw@db.internal:3307/pay',
    });
    expect(config.databases.payments).toEqual({ kind: 'mysql', location: 'mysql://app:pw@db.internal:3307/pay', database: 'pay' });
    expect(config.databases.accounts.database).toBe('guthaben_accounts');
  });

  it('names every invalid setting at once', () => {
    let message = '';
    try {
      loadConfig({ GATEWAY_PORT: 'eighty', DATABASE_URL: 'postgres://x', LOG_LEVEL: 'loud' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/GATEWAY_PORT: /);
    expect(message).toMatch(/DATABASE_URL: must be a mysql:\/\/ URL/);
    expect(message).toMatch(/LOG_LEVEL: /);
  });

  it('refuses to start in production with development secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: DEVELOPMENT_SECRETS.JWT_SECRET, INTERNAL_SIGNING_SECRET: STRONG_INTERNAL })).toThrow(
      /JWT_SECRET is the development default/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: STRONG_JWT, INTERNAL_SIGNING_SECRET: STRONG_INTERNAL })).toThrow(
      /STRIPE_SECRET_KEY is the development default[\s\S]*STRIPE_WEBHOOK_SECRET is the development default[\s\S]*VOUCHER_PEPPER is the development default/,
    );
    const production = loadConfig(PRODUCTION);
    expect(production.payments.stripe.apiUrl).toBeNull();
    expect(production.introspection).toBe('none');
    expect(production.explorer).toBe(false);
    expect(loadConfig({}).explorer).toBe(true);
    expect(loadConfig({ EXPLORER: 'false' }).explorer).toBe(false);
    expect(loadConfig({ INTROSPECTION: 'internal' }).introspection).toBe('internal');
  });

  it('refuses the local payment provider fake in production, and keys that are not Stripe\'s', () => {
    expect(() => loadConfig({ ...PRODUCTION, STRIPE_API_URL: 'http://127.0.0.1:4010' })).toThrow(/STRIPE_API_URL points the payment provider at a local fake/);
    expect(() => loadConfig({ ...PRODUCTION, STRIPE_SECRET_KEY: 'p'.repeat(40) })).toThrow(/STRIPE_SECRET_KEY: must be a Stripe secret/);
    expect(() => loadConfig({ ...PRODUCTION, STRIPE_WEBHOOK_SECRET: 'p'.repeat(40) })).toThrow(/STRIPE_WEBHOOK_SECRET: must be a Stripe webhook signing secret/);
    expect(() => loadConfig({ ...PRODUCTION, TEST_CRASH_POINT: 'ledger.credit:after-handler' })).toThrow(/TEST_CRASH_POINT is for tests only/);
    // Development and tests talk to the local fake unless told otherwise.
    expect(loadConfig({}).payments.stripe.apiUrl).toBe('http://127.0.0.1:4010');
  });

  it('refuses weak HS256 signing secrets in production: 32 bytes and about 128 bits of entropy or more', () => {
    const production = (jwtSecret: string, internal = STRONG_INTERNAL) => () => loadConfig({ ...PRODUCTION, JWT_SECRET: jwtSecret, INTERNAL_SIGNING_SECRET: internal });
    expect(production('a'.repeat(32))).toThrow(/JWT_SECRET is too weak/);
    expect(production('ab'.repeat(24))).toThrow(/JWT_SECRET is too weak/);
    expect(production('passwordpasswordpasswordpassword')).toThrow(/JWT_SECRET is too weak/);
    expect(production(STRONG_JWT, 'i'.repeat(40))).toThrow(/INTERNAL_SIGNING_SECRET is too weak/);
    expect(production(STRONG_JWT)).not.toThrow();
    expect(production(STRONG_INTERNAL, STRONG_JWT)).not.toThrow();
    // Outside production, and with a public-key algorithm (no secret in use), the secret is not judged.
    expect(() => loadConfig({ JWT_SECRET: 'a'.repeat(32) })).not.toThrow();
  });

  it('keeps the gateway\'s idle sockets shorter than the subgraphs\' keep-alive', () => {
    expect(() => loadConfig({ GATEWAY_UPSTREAM_IDLE_MS: '70000', SUBGRAPH_KEEP_ALIVE_MS: '65000' })).toThrow(/shorter/);
  });

  it('runs one process per service unless WORKERS says otherwise; auto is one per core', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({ WORKERS: 'auto' }).workers).toBe(availableParallelism());
    expect(() => loadConfig({ WORKERS: '0' })).toThrow(/WORKERS/);
    expect(() => loadConfig({ WORKERS: 'many' })).toThrow(/WORKERS/);
  });
});
