import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

/** The most units one request may move (receive, allocate, an order line, an opening balance). */
export const MAX_STOCK_QUANTITY = 1_000_000_000;

/** `quantity` of every body that moves stock: whole units, 1 … 10^9, validated in one place. */
export class StockQuantityDto {
  @ApiProperty({ type: 'integer', example: 10, minimum: 1, maximum: MAX_STOCK_QUANTITY })
  @IsInt()
  @Min(1)
  @Max(MAX_STOCK_QUANTITY)
  quantity: number;
}
