import { GraphQLError } from 'graphql';
import { Money, assertCents, assertPositiveCents, formatCents } from './money';

describe('money', () => {
  it.each([
    [1500, '15,00\u00a0€'],
    [0, '0,00\u00a0€'],
    [1, '0,01\u00a0€'],
    [-350, '-3,50\u00a0€'],
    [123456, '1.234,56\u00a0€'],
    [Number.MAX_SAFE_INTEGER, '90.071.992.547.409,91\u00a0€'],
  ])('formats %i cents as %s', (cents, expected) => {
    expect(formatCents(cents)).toBe(expected);
  });

  it('refuses fractions and unsafe integers with a coded error', () => {
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2]) {
      expect(() => assertCents(bad)).toThrow(GraphQLError);
      try {
        assertCents(bad);
      } catch (error) {
        expect((error as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
      }
    }
    expect(() => assertPositiveCents(0)).toThrow('more than 0');
    expect(() => assertPositiveCents(-5)).toThrow('more than 0');
    expect(assertPositiveCents(5)).toBe(5);
  });

  it('builds the GraphQL money value from cents', () => {
    const money = Money.ofCents(2500);
    expect({ cents: money.cents, currency: money.currency, formatted: money.formatted }).toEqual({ cents: 2500, currency: 'EUR', formatted: '25,00\u00a0€' });
    expect(Money.ofCents(-350).formatted).toBe('-3,50\u00a0€');
  });
});
