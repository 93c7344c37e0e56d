import type { Route } from '../../../common/src/http';
import { sendJson } from '../../../common/src/http';
import { formatCents } from '../../../common/src/money';
import type { DevelopmentPaymentProvider } from '../adapters/development-payment-provider.adapter';
import type { OrderPaymentMethod, TopUpChannel } from '../entities/top-up-order.entity';
import type { TopUpService } from '../services/top-up.service';

const METHOD_LABELS: Partial<Record<OrderPaymentMethod, string>> = {
  PAYPAL: 'PayPal',
  SOFORTUEBERWEISUNG: 'Sofortüberweisung',
  VISA: 'Visa',
  MASTERCARD: 'Mastercard',
};

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

function page(title: string, body: string, status = 200): { status: number; html: string } {
  return {
    status,
    html: `<!doctype html><html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1rem;margin:.25rem 0;width:100%}</style></head>
<body>${body}</body></html>`,
  };
}

function sendHtml(res: Parameters<Route['handle']>[0]['res'], status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}

/**
 * The development provider's hosted payment page: the customer sees the amount once more, picks a
 * method the brand allows, and confirms. The secret token in the link is the only key to the order.
 */
export function paymentPageRoutes(
  topUps: TopUpService,
  provider: DevelopmentPaymentProvider,
  allowedMethods: (brandCode: string, channel: TopUpChannel) => Promise<OrderPaymentMethod[]>,
): Route[] {
  const load = async (token: string) => {
    const order = await topUps.byPaymentToken(token);
    if (!order) return { order: null, view: page('Unbekannter Link', '<h1>Dieser Zahlungslink ist ungültig.</h1>', 404) };
    if (order.status !== 'PENDING') {
      const done = order.status === 'PAID' || order.status === 'CREDITED';
      return { order: null, view: page('Zahlung', `<h1>${done ? 'Diese Aufladung ist bereits bezahlt.' : 'Dieser Zahlungslink ist nicht mehr gültig.'}</h1>`, done ? 200 : 410) };
    }
    return { order, view: null };
  };
  return [
    {
      method: 'GET',
      path: /^\/pay\/([\w-]{20,64})$/,
      handle: async ({ res, params }) => {
        const { order, view } = await load(params[0]!);
        if (!order) return sendHtml(res, view!.status, view!.html);
        const methods = await allowedMethods(order.brandCode, order.channel);
        const buttons = methods
          .map((method) => `<button name="method" value="${method}">${escapeHtml(METHOD_LABELS[method] ?? method)}</button>`)
          .join('');
        const view2 = page(
          'Aufladung bezahlen',
          `<h1>Guthaben aufladen</h1><p>Betrag: <strong id="amount">${escapeHtml(formatCents(order.amountCents))}</strong></p>
<p>Bitte bestätigen Sie den Betrag und wählen Sie eine Zahlungsart.</p>
<form method="post"><input type="hidden" name="confirm" value="yes">${buttons}</form>
<form method="post"><input type="hidden" name="confirm" value="no"><button>Abbrechen</button></form>`,
        );
        sendHtml(res, view2.status, view2.html);
      },
    },
    {
      method: 'POST',
      path: /^\/pay\/([\w-]{20,64})$/,
      handle: async ({ res, params, body }) => {
        const form = new URLSearchParams((await body()).toString('utf8'));
        const { order, view } = await load(params[0]!);
        if (!order) return sendHtml(res, view!.status, view!.html);
        const approved = form.get('confirm') === 'yes';
        const methods = await allowedMethods(order.brandCode, order.channel);
        const method = form.get('method') as OrderPaymentMethod | null;
        if (approved && (!method || !methods.includes(method))) {
          return sendJson(res, 400, { error: 'choose one of the offered payment methods', methods });
        }
        await provider.completeCheckout(order, method ?? methods[0] ?? 'PAYPAL', approved);
        const done = page('Zahlung', approved ? '<h1>Danke! Ihre Zahlung ist eingegangen.</h1><p>Das Guthaben wird gleich gutgeschrieben.</p>' : '<h1>Zahlung abgebrochen.</h1>');
        sendHtml(res, 200, done.html);
      },
    },
  ];
}
