import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { IsCurrency, IsMoney } from '../money';

/** Body of `POST /finance/accounts`. */
export class CreateAccountDto {
  @ApiProperty({ example: 'Operating account', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @IsCurrency()
  currency: string;

  @IsMoney({ min: 0, example: 100_000, description: 'Opening balance in minor units (≥ 0), posted against the equity account.' })
  openingBalance: number;
}
