import type { TopUpOrderEntity } from '../entities/top-up-order.entity';

/**
 * A payment service provider. It reports outcomes only through the signed webhook, never through a
 * return value, so every path (hosted page, stored method) ends in the same idempotent handler.
 */
export interface PaymentProviderPort {
  /** Where the customer pays: a hosted page that confirms the amount and offers the brand's methods. */
  checkoutUrl(order: TopUpOrderEntity): string;
  /** Charges a stored payment method (automatic top-up); the result arrives as a webhook. */
  chargeStoredMethod(order: TopUpOrderEntity, paymentMethodRef: string): Promise<void>;
}
