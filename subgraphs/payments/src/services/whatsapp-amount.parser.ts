/**
 * Reads the amount a customer wrote to the brand's WhatsApp number: "15", "25 Euro", "50€",
 * "25,00 EUR". Only a plain amount (with an optional currency word) counts; anything else is not
 * an amount, so it is answered with the allowed amounts instead of being guessed at or rounded.
 */
const AMOUNT_MESSAGE = /^(\d{1,5})(?:[.,](\d{2}|-{1,2}))?\s*(?:€|eur|euro)?\.?$/i;

export function parseWhatsAppAmount(text: string): number | null {
  const normalized = text.normalize('NFKC').trim().replace(/\s+/g, ' ');
  const match = AMOUNT_MESSAGE.exec(normalized);
  if (!match) return null;
  const euros = Number(match[1]);
  const fraction = match[2] && /^\d{2}$/.test(match[2]) ? Number(match[2]) : 0;
  return euros * 100 + fraction;
}

export function formatAllowedAmounts(amountsCents: readonly number[]): string {
  return amountsCents.map((cents) => `${cents / 100} €`).join(', ');
}
