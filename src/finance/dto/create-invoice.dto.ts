import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsMongoId, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { IsCurrency, IsMoney } from '../money';

/** Largest quantity on one invoice line. */
export const MAX_LINE_QUANTITY = 1_000_000;

/** One invoice line: amount = quantity × unitPrice, in exact integers. */
export class InvoiceLineInputDto {
  @ApiProperty({ example: 'Steel bracket M8', minLength: 1, maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  description: string;

  @ApiProperty({ type: 'integer', example: 10, minimum: 1, maximum: MAX_LINE_QUANTITY })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity: number;

  @IsMoney({ min: 0, example: 1_250, description: 'Price of one unit in minor units (≥ 0).' })
  unitPrice: number;
}

/** Body of `POST /finance/invoices`. */
export class CreateInvoiceDto {
  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345670', description: 'An inventory order of your tenant; at most one live invoice per order.' })
  @IsOptional()
  @IsMongoId()
  orderId?: string;

  @ApiProperty({ example: 'Acme Ltd', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  customerName: string;

  @IsCurrency()
  currency: string;

  @ApiProperty({ type: [InvoiceLineInputDto], minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => InvoiceLineInputDto)
  lines: InvoiceLineInputDto[];
}
