import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, registerDecorator, ValidationOptions } from 'class-validator';
import { MAX_ITEM_LENGTH } from '../setting-key.pipe';
import { SETTING_VALUE_SCHEMA } from './setting.dto';

/** At most this many options in a list setting. */
export const MAX_LIST_ITEMS = 500;

/** A setting value: any JSON except null; an array makes it a list of unique 1–100 char strings. */
function IsSettingValue(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isSettingValue',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `value must not be null; a list must hold at most ${MAX_LIST_ITEMS} unique strings of 1–${MAX_ITEM_LENGTH} characters`, ...options },
      validator: {
        validate(value: unknown): boolean {
          if (value === null || value === undefined) return false;
          if (!Array.isArray(value)) return true;
          return (
            value.length <= MAX_LIST_ITEMS &&
            value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_ITEM_LENGTH) &&
            new Set(value).size === value.length
          );
        },
      },
    });
}

/** Body of `PUT /settings/:key`: replaces the whole value. */
export class PutSettingDto {
  @ApiProperty({
    description: 'Any JSON value. An array of strings makes a list setting (dropdown options) that also accepts item adds and removes.',
    example: ['contracts', 'invoices', 'reports'],
    ...SETTING_VALUE_SCHEMA,
  })
  @IsDefined()
  @IsSettingValue()
  value: unknown;
}
