import { randomBytes } from 'node:crypto';

/** Production refuses the development secrets (and weak ones): a fresh random set for one run. */
export function freshProductionSecrets(): Record<string, string> {
  const secret = (): string => randomBytes(32).toString('hex');
  return {
    JWT_SECRET: secret(),
    INTERNAL_SIGNING_SECRET: secret(),
    // Real-looking Stripe credentials: a production stack in a test never calls Stripe with them.
    STRIPE_SECRET_KEY: `sk_test_${secret()}`,
    STRIPE_WEBHOOK_SECRET: `whsec_${secret()}`,
    WHATSAPP_APP_SECRET: secret(),
    WHATSAPP_VERIFY_TOKEN: secret(),
    VOUCHER_PEPPER: secret(),
    PAYOUT_IBAN_KEY: randomBytes(32).toString('base64'),
  };
}
