import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { data as iso4217, publishDate } from 'currency-codes';

/**
 * ISO 4217 codes that name no money: precious metals, bond-market units, SDR, SUCRE, the ADB
 * unit, the test and the no-currency codes. ISO gives them no minor unit ("N.A."), which
 * currency-codes reports as 0 digits, so they are left out by name.
 */
export const NOT_MONEY_CODES: ReadonlySet<string> = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

/**
 * Minor-unit exponent of every active ISO 4217 currency (JPY 0, EUR 2, KWD 3), from ISO's own
 * List One as the currency-codes package ships it. Not `Intl.NumberFormat`: its fraction
 * digits are CLDR's display rounding (IQD 0, HUF 0, COP 0), not the exponent amounts are in.
 * A closed list rather than "any three letters": a typo such as "EUT" is a 400, never a new
 * currency with its own ledger.
 */
const EXPONENTS: ReadonlyMap<string, number> = new Map(iso4217.filter((c) => !NOT_MONEY_CODES.has(c.code)).map((c) => [c.code, c.digits]));

/** Active ISO 4217 currency codes the ledger books, sorted. */
export const CURRENCIES: readonly string[] = [...EXPONENTS.keys()].sort();
export type Currency = string;

/** Decimal places of `currency` (an amount of 1234 minor units in KWD is 1.234 KWD). */
export function minorUnitsOf(currency: string): number {
  const exponent = EXPONENTS.get(currency);
  if (exponent === undefined) throw new Error(`${currency} is not a supported ISO 4217 currency`);
  return exponent;
}

/** A response's `currency` and its `minorUnits`, which always travel together. */
export function currencyFields(currency: string): { currency: string; minorUnits: number } {
  return { currency, minorUnits: minorUnitsOf(currency) };
}

/** The `minorUnits` member of every response that carries a currency. */
export function ApiMinorUnits(): PropertyDecorator {
  return ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 4,
    example: 2,
    description: 'Decimal places of the currency (its ISO 4217 exponent): amounts are in 10^-minorUnits of it (JPY 0, EUR 2, KWD 3).',
  });
}

/** Swagger schema of a currency code (the list itself is too long to enumerate usefully). */
export const CURRENCY_SCHEMA = {
  type: 'string',
  pattern: '^[A-Z]{3}$',
  example: 'EUR',
  description: `An active ISO 4217 currency code (ISO list of ${publishDate}), e.g. EUR, USD, JPY, SAR, KWD.`,
} as const;

/**
 * Largest amount or balance, in minor units. Amounts are JavaScript numbers stored as BSON
 * numbers, exact only up to 2^53 − 1: every value (and every balance an increment produces)
 * stays at or below it, so no money arithmetic ever rounds.
 */
export const MAX_MONEY = Number.MAX_SAFE_INTEGER;

/** True when `value` is an integer amount in minor units that the ledger can hold exactly. */
export function isMoney(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/**
 * Σ quantity × unitPrice in exact integer arithmetic, or undefined when the total (or any
 * product) would leave the exactly representable range. Both factors are safe integers, so
 * a product that is still a safe integer was computed exactly (IEEE multiplication is
 * correctly rounded); anything larger is refused instead of rounded.
 */
export function lineTotal(lines: ReadonlyArray<{ quantity: number; unitPrice: number }>): number | undefined {
  let total = 0;
  for (const { quantity, unitPrice } of lines) {
    const amount = quantity * unitPrice;
    if (!Number.isSafeInteger(amount)) return undefined;
    total += amount;
    if (!Number.isSafeInteger(total)) return undefined;
  }
  return total;
}

/**
 * An amount in minor units: an integer from `min` to {@link MAX_MONEY}. Strings ("100"),
 * fractions (1.5), null and 1e30 are all 400s; nothing is coerced.
 */
export function IsMoney(options: { min?: number; example?: number; description?: string } = {}): PropertyDecorator {
  const min = options.min ?? 1;
  return applyDecorators(
    ApiProperty({
      type: 'integer',
      minimum: min,
      maximum: MAX_MONEY,
      example: options.example ?? 10_000,
      description: options.description ?? 'Amount in minor units (e.g. cents): an integer, never a fraction.',
    }),
    IsInt(),
    Min(min),
    Max(MAX_MONEY),
  );
}

/** An ISO 4217 code from {@link CURRENCIES}. */
export function IsCurrency(): PropertyDecorator {
  return applyDecorators(ApiProperty(CURRENCY_SCHEMA), IsIn(CURRENCIES, { message: '$property must be an active ISO 4217 currency code (e.g. EUR, JPY, SAR)' }));
}
