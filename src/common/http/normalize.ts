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
