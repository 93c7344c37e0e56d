import { dinero, toDecimal } from 'dinero.js';
import { EUR } from 'dinero.js/currencies';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Directive, Field, ObjectType } from 'type-graphql';
import { badInput } from './errors';

export const CURRENCY = 'EUR';

const germanEuro = new Intl.NumberFormat('de-DE', { style: 'currency', currency: CURRENCY });

/** Integer euro cents; fails loudly rather than let a fraction or an unsafe integer through. */
export function assertCents(value: number, field = 'amount'): number {
  if (!Number.isSafeInteger(value)) throw badInput(`${field} must be a whole number of cents`, field);
  return value;
}

export function assertPositiveCents(value: number, field = 'amount'): number {
  assertCents(value, field);
  if (value <= 0) throw badInput(`${field} must be more than 0 cents`, field);
  return value;
}

/** "15,00 €", "-3,50 €", "1.234,56 €": the exact decimal goes to Intl as a string, never through a float. */
export function formatCents(cents: number): string {
  const decimal = toDecimal(dinero({ amount: assertCents(cents), currency: EUR }));
  return germanEuro.format(decimal as unknown as number);
}

@Directive('@shareable')
@ObjectType({ description: 'An amount of money. Amounts are exact integer euro cents.' })
export class Money {
  @Field(() => GraphQLSafeInt, { description: 'The amount in euro cents (negative for money owed).' })
  cents!: number;

  @Field({ description: 'ISO 4217 currency code; always EUR.' })
  currency!: string;

  /** Formatted when asked for: most answers (lists, charging) only select cents. */
  @Field({ description: 'The amount formatted for German customers, e.g. "15,00 €".' })
  get formatted(): string {
    return formatCents(this.cents);
  }

  static ofCents(cents: number): Money {
    const money = new Money();
    money.cents = assertCents(cents);
    money.currency = CURRENCY;
    return money;
  }
}
