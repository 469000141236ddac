import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '@app/problem-details';

/**
 * `:version` must be a positive integer, else 400. The global ValidationPipe has already turned
 * the path segment into a number from decimal digits only (and refused anything else), so this
 * checks the number; a raw string is accepted only as plain digits.
 */
@Injectable()
export class ParseVersionNumberPipe implements PipeTransform<unknown, number> {
  transform(value: unknown, metadata: ArgumentMetadata): number {
    const parsed = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
    if (typeof parsed === 'number' && Number.isSafeInteger(parsed) && parsed >= 1) return parsed;
    throw new ValidationFailedError([{ field: metadata.data ?? 'version', message: 'version must be a positive integer' }]);
  }
}
