import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsMoney } from '../money';

/** Body of `POST /finance/retainers/:id/consume`. */
export class ConsumeRetainerDto {
  @IsMoney({ example: 80_000 })
  amount: number;

  @ApiProperty({ example: 'Court filing, 4 hours', minLength: 1, maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  description: string;
}
