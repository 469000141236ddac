import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';

/**
 * The currencies the ledger accepts (ISO 4217). A closed list rather than "any three
 * letters": a typo such as "EUT" must be a 400, not a new currency with its own ledger.
 */
export const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK'] as const;
export type Currency = (typeof CURRENCIES)[number];

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
  return applyDecorators(
    ApiProperty({ enum: CURRENCIES, example: 'EUR', description: 'ISO 4217 currency code.' }),
    IsIn(CURRENCIES as readonly string[], { message: `$property must be one of: ${CURRENCIES.join(', ')}` }),
  );
}
