import { WHATSAPP_TOP_UP_AMOUNTS_CENTS } from './policy-document';
import type { PolicyDocument, TopUpChannel, TopUpChannelKind } from './policy-document';

export type TopUpAmountRefusal = 'NOT_WHOLE_CENTS' | 'CHANNEL_NOT_OFFERED' | 'NOT_AN_ACCEPTED_AMOUNT' | 'BELOW_MINIMUM' | 'ABOVE_MAXIMUM';

export type TopUpAmountVerdict =
  | { accepted: true; channel: TopUpChannel | null }
  | { accepted: false; refusal: TopUpAmountRefusal; message: string; acceptedAmountsCents: number[] | null };

/** "15,00 €" without Intl or floats, so messages are identical on every runtime. */
export function euros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  return `${sign}${Math.floor(absolute / 100)},${String(absolute % 100).padStart(2, '0')} €`;
}

function refuse(refusal: TopUpAmountRefusal, message: string, acceptedAmountsCents: number[] | null = null): TopUpAmountVerdict {
  return { accepted: false, refusal, message, acceptedAmountsCents };
}

/**
 * Whether a brand accepts `amountCents` through `channelKind` (null: the channel does not matter).
 * An amount that does not fit is refused with a message, never rounded to one that does.
 */
export function checkTopUpAmount(policy: PolicyDocument, channelKind: TopUpChannelKind | null, amountCents: number): TopUpAmountVerdict {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) {
    return refuse('NOT_WHOLE_CENTS', 'A top-up must be a positive whole number of cents');
  }
  const channel = channelKind ? (policy.topUp.channels.find((candidate) => candidate.kind === channelKind) ?? null) : null;
  if (channelKind && !channel && policy.topUp.channelListComplete) {
    return refuse('CHANNEL_NOT_OFFERED', `This brand does not offer top-ups via ${channelKind}`);
  }
  // WhatsApp accepts only 15, 25 or 50 EUR on every brand, listed or not.
  const exact = channel?.exactAmountsCents ?? (channelKind === 'WHATSAPP' ? [...WHATSAPP_TOP_UP_AMOUNTS_CENTS] : null);
  if (exact && !exact.includes(amountCents)) {
    return refuse(
      'NOT_AN_ACCEPTED_AMOUNT',
      `${euros(amountCents)} is not accepted; choose one of ${exact.map(euros).join(', ')}`,
      exact,
    );
  }
  const minimum = Math.max(policy.topUp.minimumCents ?? 0, channel?.minimumCents ?? 0);
  if (minimum > 0 && amountCents < minimum) return refuse('BELOW_MINIMUM', `The minimum top-up is ${euros(minimum)}`);
  const maxima = [policy.topUp.maximumCents, channel?.maximumCents ?? null].filter((value): value is number => value !== null);
  const maximum = maxima.length > 0 ? Math.min(...maxima) : null;
  if (maximum !== null && amountCents > maximum) return refuse('ABOVE_MAXIMUM', `The maximum top-up is ${euros(maximum)}`);
  return { accepted: true, channel };
}
