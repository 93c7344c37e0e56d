import type { Route } from '../../../common/src/http';
import type { CheckoutAnswer, CheckoutService } from '../services/checkout.service';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

type Response = Parameters<Route['handle']>[0]['res'];

function send(res: Response, answer: CheckoutAnswer): void {
  const headers = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
  if (answer.kind === 'redirect') {
    res.writeHead(303, { ...headers, location: answer.url });
    res.end();
    return;
  }
  res.writeHead(answer.status, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
  res.end(`<!doctype html><html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Guthaben aufladen</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}</style></head>
<body><h1>${escapeHtml(answer.heading)}</h1>${answer.text ? `<p>${escapeHtml(answer.text)}</p>` : ''}</body></html>`);
}

const TOKEN = '([\\w-]{20,64})';

/**
 * Our side of the payment link: `/pay/<token>` checks the order once more and redirects to the
 * provider's checkout, where the customer confirms the amount and picks a method; the provider
 * sends them back to `/pay/<token>/done`. The secret token is the only key to the order.
 */
export function paymentPageRoutes(checkout: CheckoutService): Route[] {
  return [
    { method: 'GET', path: new RegExp(`^/pay/${TOKEN}$`), handle: async ({ res, params }) => send(res, await checkout.open(params[0]!)) },
    { method: 'GET', path: new RegExp(`^/pay/${TOKEN}/done$`), handle: async ({ res, params }) => send(res, await checkout.done(params[0]!)) },
    {
      method: 'GET',
      path: '/payment-method-saved',
      handle: ({ res }) => send(res, { kind: 'page', status: 200, heading: 'Ihre Zahlungsart ist gespeichert.', text: 'Sie können sie jetzt für die automatische Aufladung verwenden.' }),
    },
    {
      method: 'GET',
      path: '/payment-method-canceled',
      handle: ({ res }) => send(res, { kind: 'page', status: 200, heading: 'Es wurde keine Zahlungsart gespeichert.', text: '' }),
    },
  ];
}
