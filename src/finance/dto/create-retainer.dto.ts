import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsCurrency, IsMoney } from '../money';

/** Body of `POST /finance/retainers`. */
export class CreateRetainerDto {
  @ApiProperty({ example: 'Acme Ltd', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  clientName: string;

  @IsCurrency()
  currency: string;

  @IsMoney({ min: 0, example: 100_000, description: 'Prepayment received now, in minor units (≥ 0).' })
  initialAmount: number;
}
