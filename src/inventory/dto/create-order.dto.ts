import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsMongoId,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { StockQuantityDto } from './stock-quantity.dto';

/** Most lines one order may carry: each line is one guarded update inside the order's transaction. */
export const MAX_ORDER_LINES = 50;

/** One line of a new order. */
export class OrderLineInputDto extends StockQuantityDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'An item of your tenant.' })
  @IsMongoId()
  itemId: string;
}

/** Body of `POST /inventory/orders`. */
export class CreateOrderDto {
  @ApiProperty({ example: 'Acme Packaging Ltd' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  customerName: string;

  @ApiProperty({
    type: [OrderLineInputDto],
    description: `1–${MAX_ORDER_LINES} lines, one per item; all are allocated or none is.`,
    example: [{ itemId: '665f1c2e8b3e4a0012345678', quantity: 5 }],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ArrayUnique((line: OrderLineInputDto | null | undefined) => line?.itemId, { message: 'each item may appear on one line only' })
  @ValidateNested({ each: true })
  @Type(() => OrderLineInputDto)
  lines: OrderLineInputDto[];

  @ApiPropertyOptional({ example: 'Deliver to dock 3' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;
}
