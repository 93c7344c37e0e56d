import type { Repository } from 'typeorm';
import { IsNull } from 'typeorm';
import { DomainError } from '../../../common/src/errors';
import type { Logger } from '../../../common/src/logger';
import { TopUpOrderEntity } from '../entities/top-up-order.entity';
import type { OrderPaymentMethod, TopUpChannel } from '../entities/top-up-order.entity';
import type { AccountsPort } from '../ports/accounts.port';
import type { PaymentProviderPort } from '../ports/payment-provider.port';
import type { TopUpService } from './top-up.service';

export type CheckoutAnswer =
  | { kind: 'redirect'; url: string }
  | { kind: 'page'; status: number; heading: string; text: string };

/** What the customer reads on our side of the payment link: German, like everything a customer reads. */
const PAGES = {
  unknown: { status: 404, heading: 'Dieser Zahlungslink ist ungültig.', text: '' },
  paid: { status: 200, heading: 'Diese Aufladung ist bereits bezahlt.', text: '' },
  closed: { status: 410, heading: 'Dieser Zahlungslink ist nicht mehr gültig.', text: 'Bitte starten Sie eine neue Aufladung.' },
  ended: { status: 409, heading: 'Eine Aufladung ist nicht möglich.', text: 'Der Vertrag dieser Rufnummer ist beendet. Ihr Guthaben wird auf Antrag ausgezahlt.' },
  limit: { status: 409, heading: 'Diese Aufladung überschreitet ein Limit.', text: '' },
  unavailable: { status: 503, heading: 'Die Zahlungsseite ist gerade nicht erreichbar.', text: 'Bitte versuchen Sie es in ein paar Minuten erneut.' },
} as const;

/**
 * The payment link we hand out (`/pay/<token>`): it checks the account and the limits once more at
 * the moment the customer wants to pay, then sends them to the provider's checkout, created once per
 * order (the provider returns the same session for the same idempotency key) and outside any
 * transaction.
 */
export class CheckoutService {
  constructor(
    private readonly orders: Repository<TopUpOrderEntity>,
    private readonly topUps: TopUpService,
    private readonly accounts: AccountsPort,
    private readonly provider: PaymentProviderPort,
    private readonly allowedMethods: (brandCode: string, channel: TopUpChannel, accountId: string) => Promise<OrderPaymentMethod[]>,
    private readonly pageBaseUrl: string,
    private readonly logger: Logger,
  ) {}

  paymentLink(order: TopUpOrderEntity): string {
    return `${this.pageBaseUrl}/pay/${order.paymentToken}`;
  }

  async open(token: string): Promise<CheckoutAnswer> {
    const order = await this.topUps.byPaymentToken(token);
    if (!order) return { kind: 'page', ...PAGES.unknown };
    if (order.status !== 'PENDING') {
      return { kind: 'page', ...(order.status === 'PAID' || order.status === 'CREDITED' ? PAGES.paid : PAGES.closed) };
    }
    const account = await this.accounts.findById(order.accountId);
    if (!account) return { kind: 'page', ...PAGES.closed };
    try {
      await this.topUps.assertAmountAllowed(account, order.channel, order.amountCents, order.id);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.code === 'SIM_INACTIVE') return { kind: 'page', ...PAGES.ended };
      return { kind: 'page', ...PAGES.limit, text: `Bitte wählen Sie einen anderen Betrag. (${error.message})` };
    }
    if (order.providerCheckoutUrl) return { kind: 'redirect', url: order.providerCheckoutUrl };
    const methods = await this.allowedMethods(order.brandCode, order.channel, order.accountId);
    let checkout;
    try {
      checkout = await this.provider.createCheckout({
        order,
        methods,
        successUrl: `${this.paymentLink(order)}/done`,
        cancelUrl: this.paymentLink(order),
      });
    } catch (error) {
      this.logger.error({ err: error, orderId: order.id }, 'checkout could not be created at the payment provider');
      return { kind: 'page', ...PAGES.unavailable };
    }
    await this.orders.update({ id: order.id, providerSessionId: IsNull() }, { providerSessionId: checkout.sessionId, providerCheckoutUrl: checkout.url });
    return { kind: 'redirect', url: checkout.url };
  }

  /** Where the provider sends the customer back: the state of the order, never a promise the webhook has not kept. */
  async done(token: string): Promise<CheckoutAnswer> {
    const order = await this.topUps.byPaymentToken(token);
    if (!order) return { kind: 'page', ...PAGES.unknown };
    if (order.status === 'CREDITED') return { kind: 'page', status: 200, heading: 'Danke! Ihr Guthaben ist aufgeladen.', text: '' };
    if (order.status === 'PAID' || order.status === 'PENDING') {
      return { kind: 'page', status: 200, heading: 'Danke! Ihre Zahlung wird bestätigt.', text: 'Das Guthaben wird gutgeschrieben, sobald der Zahlungsanbieter die Zahlung bestätigt.' };
    }
    if (order.status === 'REFUND_PENDING' || order.status === 'REFUNDED') {
      return { kind: 'page', status: 200, heading: 'Die Aufladung konnte nicht gebucht werden.', text: 'Ihre Zahlung wird vollständig erstattet.' };
    }
    return { kind: 'page', ...PAGES.closed };
  }
}
