import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** Keys of `fields{}`: they become `fields.<key>` update paths, so they must be plain names. */
export const FIELD_KEY = /^[A-Za-z0-9_-]{1,64}$/;
/** Upper bound on custom fields per document (keeps each document and each update small). */
export const MAX_FIELDS = 100;
/** Upper bound on one string value: metadata, not content (100 × 1000 keeps a document small). */
export const MAX_FIELD_VALUE_LENGTH = 1000;

/** A flat value: a string up to {@link MAX_FIELD_VALUE_LENGTH}, a finite number or a boolean. */
function isScalar(value: unknown): boolean {
  if (typeof value === 'string') return value.length <= MAX_FIELD_VALUE_LENGTH;
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'boolean';
}

/**
 * `fields{}` is a flat map of custom metadata: a plain object with at most {@link MAX_FIELDS}
 * keys matching {@link FIELD_KEY} and scalar values (no objects or arrays, strings up to
 * {@link MAX_FIELD_VALUE_LENGTH}). With `allowNullValues` (PATCH), `null` means "remove this key".
 */
export function IsFieldMap(options: { allowNullValues?: boolean } = {}, validationOptions?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isFieldMap',
      target: target.constructor,
      propertyName: String(propertyName),
      options: validationOptions,
      validator: {
        validate(value: unknown): boolean {
          if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
          const entries = Object.entries(value as Record<string, unknown>);
          if (entries.length > MAX_FIELDS) return false;
          return entries.every(([k, v]) => FIELD_KEY.test(k) && (isScalar(v) || (v === null && options.allowNullValues === true)));
        },
        defaultMessage(args: ValidationArguments): string {
          return `${args.property} must be a flat object of at most ${MAX_FIELDS} entries whose keys match ${FIELD_KEY} and whose values ` +
            `are strings of at most ${MAX_FIELD_VALUE_LENGTH} characters, finite numbers or booleans` + (options.allowNullValues ? ' (null removes a key)' : '');
        },
      },
    });
  };
}
