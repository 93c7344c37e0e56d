import type { LedgerCause, LedgerKind } from '../entities/ledger-entry.entity';

const BY_CAUSE: Record<LedgerCause, string> = {
  TOP_UP: 'Top-up.',
  VOICE: 'Calls, charged per started minute.',
  SMS: 'Text messages.',
  DATA_PER_MB: 'Mobile data charged per MB because no data option covered it (for example after a data option ended); background updates can make this expensive. A data option avoids it.',
  OPTION_BOOKING: 'The first monthly fee of a newly booked option.',
  OPTION_RENEWAL: 'The monthly fee of a booked option at its renewal.',
  OPTION_REACTIVATION: 'An option that was paused for lack of credit was reactivated by the top-up, and its fee was charged at once.',
  PACKAGE: 'A 6- or 12-month package paid upfront.',
  THIRD_PARTY: 'Third-party services (subscriptions) billed via the phone account.',
  ROAMING: 'Roaming charges the network billed with a delay.',
  PREMIUM: 'Premium-service charges the network billed with a delay.',
  VALUE_ADDED: 'Value-added services over voice or data, billed with a delay.',
  PAYOUT: 'Credit paid out to the customer.',
  TOP_UP_REFUND: 'A top-up taken back because its payment was refunded.',
  ADJUSTMENT: 'A manual correction.',
};

const BY_KIND: Record<LedgerKind, string> = {
  TOP_UP: BY_CAUSE.TOP_UP,
  USAGE: 'Calls, SMS and data.',
  OPTION_FEE: 'Option fees.',
  THIRD_PARTY_CHARGE: BY_CAUSE.THIRD_PARTY,
  DELAYED_CHARGE: 'Roaming, premium or value-added services billed with a delay.',
  PACKAGE_PURCHASE: BY_CAUSE.PACKAGE,
  PAYOUT: BY_CAUSE.PAYOUT,
  TOP_UP_REFUND: BY_CAUSE.TOP_UP_REFUND,
  ADJUSTMENT: BY_CAUSE.ADJUSTMENT,
};

/** Spec section 6: name the cause and, where there is one, the remedy. */
export function explainUse(kind: LedgerKind, cause: LedgerCause | null, thirdPartyBlock: boolean): string {
  const text = cause ? BY_CAUSE[cause] : BY_KIND[kind];
  if ((cause === 'THIRD_PARTY' || kind === 'THIRD_PARTY_CHARGE') && !thirdPartyBlock) {
    return `${text} A third-party billing block (Drittanbietersperre) stops them.`;
  }
  return text;
}
