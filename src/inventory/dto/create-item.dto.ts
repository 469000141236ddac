import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_STOCK_QUANTITY } from './stock-quantity.dto';

/** Body of `POST /inventory/items`. */
export class CreateItemDto {
  @ApiProperty({ example: 'FILM-500-CLR', description: 'Stock-keeping unit, unique per tenant (letters, digits, `-`, `_`, `/`).' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_\-/]*$/, { message: 'sku may contain letters, digits, "-", "_" and "/" only' })
  sku: string;

  @ApiProperty({ example: 'Clear film 500 mm' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ type: 'integer', example: 100, minimum: 0, maximum: MAX_STOCK_QUANTITY, description: 'Opening stock, recorded as the first movement.' })
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK_QUANTITY)
  quantityOnHand: number;

  @ApiPropertyOptional({ example: 'roll', default: 'pcs' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(20)
  unit?: string;
}
