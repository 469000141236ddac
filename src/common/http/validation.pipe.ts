import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailedError } from '@app/problem-details';
import { toDecimalInteger } from './normalize';

/** Flattens class-validator's tree into `{ field: 'lines.0.quantity', message }` entries. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

/**
 * Nest converts a `number` path or query parameter with `+value`, which reads "0x10" as 16 and
 * "1e2" as 100; here only decimal digits become a number, anything else is a 400.
 */
class AppValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.metatype !== Number || !metadata.data || (metadata.type !== 'param' && metadata.type !== 'query') || value === undefined) {
      return super.transformPrimitive(value, metadata);
    }
    const parsed = toDecimalInteger(value);
    if (typeof parsed === 'number') return parsed;
    throw new ValidationFailedError([{ field: metadata.data, message: `${metadata.data} must be an integer written in decimal digits` }]);
  }
}

/**
 * The one global validation pipe: unknown fields are rejected (not silently stripped, so a
 * client learns about its typo), payloads are transformed into DTO instances, and numbers are
 * never coerced from strings in JSON bodies ("100" is not 100).
 */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validateCustomDecorators: false,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationFailedError(toFieldErrors(errors)),
  });
}
