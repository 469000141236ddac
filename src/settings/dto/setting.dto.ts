import { ApiProperty } from '@nestjs/swagger';
import type { StoredSetting } from '../setting.repository';
import { ApiInteger } from '../../common/swagger/api-integer';

/** Any JSON value but null: an array of strings makes a list setting. */
export const SETTING_VALUE_SCHEMA = {
  oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }],
};

/** A setting as the API returns it; `version` is also the ETag. */
export class SettingDto {
  @ApiProperty({ example: 'document-categories' })
  key: string;

  @ApiProperty({ ...SETTING_VALUE_SCHEMA, example: ['contracts', 'invoices'], description: 'Any JSON value; list settings hold an array of strings.' })
  value: unknown;

  @ApiInteger(3)
  version: number;

  static from(setting: StoredSetting): SettingDto {
    const dto = new SettingDto();
    dto.key = setting.key;
    dto.value = setting.value;
    dto.version = setting.version;
    return dto;
  }
}
