import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** Keys of `fields{}`: they become `fields.<key>` update paths, so they must be plain names. */
export const FIELD_KEY = /^[A-Za-z0-9_-]{1,64}$/;
/** Upper bound on custom fields per document (keeps each document and each update small). */
export const MAX_FIELDS = 100;

/**
 * `fields{}` is a flat map of custom metadata: a plain object with at most {@link MAX_FIELDS}
 * keys matching {@link FIELD_KEY}. With `allowNullValues` (PATCH), `null` means "remove this key".
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
          return entries.every(([k, v]) => FIELD_KEY.test(k) && (v !== null || options.allowNullValues === true) && v !== undefined);
        },
        defaultMessage(args: ValidationArguments): string {
          return `${args.property} must be an object of at most ${MAX_FIELDS} entries whose keys match ${FIELD_KEY}` +
            (options.allowNullValues ? ' (null removes a key)' : ' and whose values are not null');
        },
      },
    });
  };
}
