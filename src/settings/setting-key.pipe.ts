import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '@app/problem-details';

/**
 * Setting keys: lower case, digits, `-` and `_` (snake_case keys such as `dropdown_customers`
 * are what existing settings systems use), so they are safe as identifiers and in URLs.
 */
export const SETTING_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** List options: non-empty strings of at most 100 characters. */
export const MAX_ITEM_LENGTH = 100;

/** Path `:key` → 400 unless it is a valid setting key. */
@Injectable()
export class SettingKeyPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || !SETTING_KEY.test(value)) {
      throw new ValidationFailedError([{ field: metadata.data ?? 'key', message: `must match ${SETTING_KEY}` }]);
    }
    return value;
  }
}

/** Path `:value` of a list option → 400 unless it is 1–100 characters. */
@Injectable()
export class SettingItemPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ITEM_LENGTH) {
      throw new ValidationFailedError([{ field: metadata.data ?? 'value', message: `must be 1–${MAX_ITEM_LENGTH} characters` }]);
    }
    return value;
  }
}
