import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../common/src/clock';
import { signTimestampedPayload } from '../../../common/src/hmac';
import type { Logger } from '../../../common/src/logger';
import { PAYMENT_METHODS } from '../entities/top-up-order.entity';
import type { OrderPaymentMethod, TopUpOrderEntity } from '../entities/top-up-order.entity';
import type { PaymentProviderPort } from '../ports/payment-provider.port';
import type { PaymentEvent } from '../services/payment-webhook.service';
import { PAYMENT_SIGNATURE_HEADER } from '../services/payment-webhook.service';

/**
 * Behaves like a hosted-payment-page provider: the customer confirms on `/pay/<token>`, and the
 * outcome is reported to our webhook over HTTP, signed, exactly as a real provider would.
 */
export class DevelopmentPaymentProvider implements PaymentProviderPort {
  constructor(
    private readonly pageBaseUrl: string,
    private readonly webhookUrl: () => string,
    private readonly webhookSecret: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  checkoutUrl(order: TopUpOrderEntity): string {
    return `${this.pageBaseUrl}/pay/${order.paymentToken}`;
  }

  /** Stored methods look like `VISA:tok_…`; a token starting with `fail` is declined (for trying failures). */
  async chargeStoredMethod(order: TopUpOrderEntity, paymentMethodRef: string): Promise<void> {
    const [method, token = ''] = paymentMethodRef.split(':');
    const known = PAYMENT_METHODS.includes(method as OrderPaymentMethod) ? (method as OrderPaymentMethod) : null;
    const declined = !known || token.startsWith('fail');
    await this.report(order, declined ? 'payment.failed' : 'payment.succeeded', known, declined ? 'stored payment method declined' : undefined);
  }

  /** What the hosted page does when the customer confirms or cancels. */
  async completeCheckout(order: TopUpOrderEntity, method: OrderPaymentMethod, approved: boolean): Promise<void> {
    await this.report(order, approved ? 'payment.succeeded' : 'payment.failed', method, approved ? undefined : 'declined by the customer');
  }

  private async report(order: TopUpOrderEntity, type: PaymentEvent['type'], method: OrderPaymentMethod | null, reason?: string): Promise<void> {
    const event: PaymentEvent = { id: `evt_${randomUUID()}`, type, orderId: order.id, amountCents: order.amountCents, method, ...(reason ? { reason } : {}) };
    const body = JSON.stringify(event);
    const signature = signTimestampedPayload(this.webhookSecret, body, Math.floor(this.clock.now().getTime() / 1000));
    const response = await fetch(this.webhookUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [PAYMENT_SIGNATURE_HEADER]: signature },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      this.logger.warn({ orderId: order.id, status: response.status }, 'payment webhook was not accepted');
      throw new Error(`payment webhook answered ${response.status}`);
    }
  }
}
