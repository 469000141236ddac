import { ValidateBy, ValidationOptions } from 'class-validator';
import { isIsoDate, isIsoMonth } from '../payroll-dates';

/** A real calendar day as `YYYY-MM-DD` (2025-02-30 is refused). */
export function IsIsoDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isIsoDate', validator: { validate: (v) => isIsoDate(v), defaultMessage: (a) => `${a?.property} must be a date as YYYY-MM-DD` } }, options);
}

/** A month as `YYYY-MM`. */
export function IsIsoMonth(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isIsoMonth', validator: { validate: (v) => isIsoMonth(v), defaultMessage: (a) => `${a?.property} must be a month as YYYY-MM` } }, options);
}

/**
 * Hours in quarter-hour steps. Multiples of 0.25 are exact in binary floating point, so sums
 * of hours (totals, dashboard) are exact too — no rounding drift in what gets paid.
 */
export function IsQuarterHours(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isQuarterHours',
      validator: { validate: (v) => typeof v === 'number' && Number.isInteger(v * 4), defaultMessage: (a) => `${a?.property} must be in steps of 0.25 hours` },
    },
    options,
  );
}
