import { ApiProperty } from '@nestjs/swagger';
import type { StoredSetting } from '../setting.repository';

/** A setting as the API returns it; `version` is also the ETag. */
export class SettingDto {
  @ApiProperty({ example: 'document-categories' })
  key: string;

  @ApiProperty({ example: ['contracts', 'invoices'], description: 'Any JSON value; list settings hold an array of strings.' })
  value: unknown;

  @ApiProperty({ example: 3 })
  version: number;

  static from(setting: StoredSetting): SettingDto {
    const dto = new SettingDto();
    dto.key = setting.key;
    dto.value = setting.value;
    dto.version = setting.version;
    return dto;
  }
}
