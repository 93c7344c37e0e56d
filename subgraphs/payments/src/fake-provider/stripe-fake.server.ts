import { config } from '../../../common/src/config';
import { PAYMENT_WEBHOOK_PATH } from '../services/payment-webhook.service';
import { startStripeFake } from './stripe-fake';

/**
 * `npm start` runs this beside the services: the local Stripe fake that the payments service's
 * SDK talks to (STRIPE_API_URL defaults to it outside production), posting its signed webhooks to
 * payments. Never in production: the payments service refuses to start with STRIPE_API_URL set.
 */
async function main(): Promise<void> {
  const settings = config();
  if (settings.env === 'production') throw new Error('the Stripe fake is for development and tests only');
  const target = new URL(settings.payments.stripe.apiUrl ?? 'http://127.0.0.1:4010');
  const fake = await startStripeFake({
    host: target.hostname,
    port: Number(target.port || 4010),
    webhookSecret: settings.payments.stripe.webhookSecret,
    webhookUrl: `http://127.0.0.1:${settings.ports.payments}${PAYMENT_WEBHOOK_PATH}`,
  });
  process.stdout.write(`Stripe fake listening on ${fake.url} (hosted checkout pages at ${fake.url}/checkout/<session>)\n`);
  const stop = (): void => {
    void fake.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error)?.message ?? error)}\n`);
  process.exit(1);
});
