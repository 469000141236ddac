import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** Body of `POST /finance/entries/:id/reverse`. */
export class ReverseEntryDto {
  @ApiProperty({ example: 'Transfer booked to the wrong account', minLength: 1, maxLength: 500, description: 'Why the entry is reversed.' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}
