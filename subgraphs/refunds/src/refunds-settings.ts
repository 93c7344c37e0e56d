import { isValidBIC, electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { z } from 'zod';
import { ConfigError } from '../../common/src/config';
import type { Config } from '../../common/src/config';

/** Development defaults so `npm start` works; production refuses the key default. */
export const DEVELOPMENT_PAYOUT_IBAN_KEY = Buffer.from('development-only-payout-iban-key', 'utf8').toString('base64');

const base64Key = z
  .string()
  .refine((value) => Buffer.from(value, 'base64').length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(value), 'must be 32 bytes, base64 encoded');

const iban = z
  .string()
  .transform((value) => electronicFormatIBAN(value) ?? '')
  .refine((value) => isValidIBAN(value), 'must be a valid IBAN');

const envSchema = z.object({
  PAYOUT_IBAN_KEY: base64Key.default(DEVELOPMENT_PAYOUT_IBAN_KEY),
  PAYOUT_DEBTOR_NAME: z.string().trim().min(1).max(70).default('Guthaben Auszahlungen GmbH'),
  PAYOUT_DEBTOR_IBAN: iban.default('DE89370400440532013000'),
  PAYOUT_DEBTOR_BIC: z
    .string()
    .refine((value) => isValidBIC(value), 'must be a valid BIC')
    .default('COBADEFFXXX'),
  PAYOUT_JOBS_MS: z.coerce.number().int().min(0).max(24 * 60 * 60 * 1000).optional(),
});

export type RefundsEnvironment = z.input<typeof envSchema>;

export interface RefundsSettings {
  /** AES-256-GCM key for IBANs at rest. */
  ibanKey: Buffer;
  /** Our own account, the debtor of every SEPA credit transfer. */
  debtor: { name: string; iban: string; bic: string };
  /** How often the quarterly standing orders run; 0 turns the background job off. */
  jobsMs: number;
}

/** Refunds-only settings, parsed from the same environment as the common config. */
export function loadRefundsSettings(config: Pick<Config, 'env'>, source: Record<string, string | undefined> = process.env): RefundsSettings {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(source).filter(([key, value]) => key.startsWith('PAYOUT_') && value !== undefined && value !== '')),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid refunds configuration:\n  ${problems.join('\n  ')}`);
  }
  const env = parsed.data;
  if (config.env === 'production' && env.PAYOUT_IBAN_KEY === DEVELOPMENT_PAYOUT_IBAN_KEY) {
    throw new ConfigError('Refusing to start in production:\n  PAYOUT_IBAN_KEY is the development default');
  }
  return {
    ibanKey: Buffer.from(env.PAYOUT_IBAN_KEY, 'base64'),
    debtor: { name: env.PAYOUT_DEBTOR_NAME, iban: env.PAYOUT_DEBTOR_IBAN, bic: env.PAYOUT_DEBTOR_BIC },
    // Tests drive runQuarterlyPayouts themselves; elsewhere the standing orders run hourly.
    jobsMs: env.PAYOUT_JOBS_MS ?? (config.env === 'test' ? 0 : 60 * 60 * 1000),
  };
}
