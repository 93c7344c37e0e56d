import { checkTopUpLimits, effectiveTopUpLimits, startOfBerlinDay } from './top-up-limits';
import type { PolicyDocument } from './policy-document';

const platform = { maximumCents: 20_000, maximumBalanceCents: 100_000, dailyMaximumCents: 50_000 };
const topUp = (overrides: Partial<PolicyDocument['topUp']> = {}): PolicyDocument['topUp'] => ({
  minimumCents: null,
  maximumCents: null,
  maximumBalanceCents: null,
  dailyMaximumCents: null,
  knownAmountsCents: [],
  channelListComplete: false,
  channels: [],
  ...overrides,
});

describe('top-up limits', () => {
  it('takes the brand value where known and the platform value where not', () => {
    expect(effectiveTopUpLimits(topUp({ maximumCents: 15_000 }), platform)).toEqual({ ...platform, maximumCents: 15_000 });
    expect(effectiveTopUpLimits(topUp(), platform)).toEqual(platform);
  });

  it.each([
    ['fits exactly', { amountCents: 20_000, balanceCents: 80_000, toppedUpTodayCents: 30_000 }, null],
    ['one cent over the top-up maximum', { amountCents: 20_001, balanceCents: 0, toppedUpTodayCents: 0 }, 'MAXIMUM_TOP_UP'],
    ['2^53 - 1', { amountCents: Number.MAX_SAFE_INTEGER, balanceCents: 0, toppedUpTodayCents: 0 }, 'MAXIMUM_TOP_UP'],
    ['not a safe integer', { amountCents: 2 ** 53, balanceCents: 0, toppedUpTodayCents: 0 }, 'MAXIMUM_TOP_UP'],
    ['one cent over the balance maximum', { amountCents: 1_000, balanceCents: 99_001, toppedUpTodayCents: 0 }, 'MAXIMUM_BALANCE'],
    ['one cent over the day', { amountCents: 1_000, balanceCents: 0, toppedUpTodayCents: 49_001 }, 'DAILY_MAXIMUM'],
  ])('%s', (_label, input, expected) => {
    expect(checkTopUpLimits(input, platform)?.limit ?? null).toBe(expected);
  });

  it('starts the day at midnight in Berlin, in summer and in winter', () => {
    expect(startOfBerlinDay(new Date('2026-07-01T21:59:59.500Z')).toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(startOfBerlinDay(new Date('2026-07-01T22:00:00.000Z')).toISOString()).toBe('2026-07-01T22:00:00.000Z');
    expect(startOfBerlinDay(new Date('2026-12-04T12:30:00.000Z')).toISOString()).toBe('2026-12-03T23:00:00.000Z');
  });
});
