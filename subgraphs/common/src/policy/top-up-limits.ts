import type { PolicyDocument } from './policy-document';
import { euros } from './top-up-amounts';

/** Section 11 of the domain rules: what one top-up, one day of top-ups and the balance may reach. */
export interface TopUpLimits {
  maximumCents: number;
  maximumBalanceCents: number;
  dailyMaximumCents: number;
}

export type TopUpLimitKind = 'MAXIMUM_TOP_UP' | 'MAXIMUM_BALANCE' | 'DAILY_MAXIMUM';

export interface TopUpLimitRefusal {
  limit: TopUpLimitKind;
  limitCents: number;
  message: string;
}

/** The brand's own limits where its policy states them, the platform's where it leaves them unknown. */
export function effectiveTopUpLimits(topUp: PolicyDocument['topUp'], platform: TopUpLimits): TopUpLimits {
  return {
    maximumCents: topUp.maximumCents ?? platform.maximumCents,
    maximumBalanceCents: topUp.maximumBalanceCents ?? platform.maximumBalanceCents,
    dailyMaximumCents: topUp.dailyMaximumCents ?? platform.dailyMaximumCents,
  };
}

/**
 * Whether a top-up of `amountCents` fits, given the balance it lands on and what the account already
 * topped up today. Every sum stays far below 2^53 because each term is checked against a limit first.
 */
export function checkTopUpLimits(
  input: { amountCents: number; balanceCents: number | null; toppedUpTodayCents: number },
  limits: TopUpLimits,
): TopUpLimitRefusal | null {
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents > limits.maximumCents) {
    return { limit: 'MAXIMUM_TOP_UP', limitCents: limits.maximumCents, message: `The maximum top-up is ${euros(limits.maximumCents)}` };
  }
  if (input.balanceCents !== null && input.balanceCents > limits.maximumBalanceCents - input.amountCents) {
    return {
      limit: 'MAXIMUM_BALANCE',
      limitCents: limits.maximumBalanceCents,
      message: `This top-up would take the balance above the maximum of ${euros(limits.maximumBalanceCents)}`,
    };
  }
  if (input.toppedUpTodayCents > limits.dailyMaximumCents - input.amountCents) {
    return {
      limit: 'DAILY_MAXIMUM',
      limitCents: limits.dailyMaximumCents,
      message: `Top-ups are limited to ${euros(limits.dailyMaximumCents)} per day; ${euros(Math.max(0, limits.dailyMaximumCents - input.toppedUpTodayCents))} are left today`,
    };
  }
  return null;
}

// Built once: constructing an Intl.DateTimeFormat costs far more than formatting with it.
const BERLIN_CLOCK = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Start of the calendar day in Germany that `at` falls on, as an instant. */
export function startOfBerlinDay(at: Date): Date {
  const parts = Object.fromEntries(BERLIN_CLOCK.formatToParts(at).map((part) => [part.type, part.value]));
  const sinceMidnightMs = ((Number(parts.hour) * 60 + Number(parts.minute)) * 60 + Number(parts.second)) * 1000 + (at.getTime() % 1000);
  return new Date(at.getTime() - sinceMidnightMs);
}
