import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsMoney } from '../money';

/** Body of `POST /finance/retainers/:id/deposit`. */
export class DepositRetainerDto {
  @IsMoney({ example: 50_000 })
  amount: number;

  @ApiPropertyOptional({ example: 'Top-up received by bank transfer', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  description?: string;
}
