import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { MAX_ITEM_LENGTH } from '../setting-key.pipe';

/** Body of `POST /settings/:key/items`: one option to add to a list setting. */
export class AddSettingItemDto {
  @ApiProperty({ example: 'invoices', minLength: 1, maxLength: MAX_ITEM_LENGTH })
  @IsString()
  @Length(1, MAX_ITEM_LENGTH)
  value: string;
}
