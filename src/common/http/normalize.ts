import { Transform } from 'class-transformer';

/**
 * DTO property decorator: trims and lower-cases an email before validation, so
 * `" Ada@Example.COM "` and `"ada@example.com"` are the same account everywhere (unique index,
 * login, throttling). Non-strings pass through untouched for the validators to reject.
 */
export const NormalizeEmail = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

/** Trims a string property (display names, tenant names). */
export const Trim = (): PropertyDecorator => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Plain decimal digits: no sign, exponent, fraction, hex prefix, separator or whitespace. */
export const DECIMAL_DIGITS = /^[0-9]{1,15}$/;

/**
 * Converts a query-string or path value to a number only when it is written in decimal digits
 * (`Number()` alone would take "0x10" as 16, "1e3" as 1000 and " 1" as 1); anything else is left
 * as it came, for the validators to refuse. 15 digits keep the result a safe integer.
 */
export function toDecimalInteger(value: unknown): unknown {
  return typeof value === 'string' && DECIMAL_DIGITS.test(value) ? Number(value) : value;
}

/** DTO property decorator: {@link toDecimalInteger} before `@IsInt()`. */
export const ToDecimalInteger = (): PropertyDecorator => Transform(({ value }: { value: unknown }) => toDecimalInteger(value));
