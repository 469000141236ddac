import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

/** Body of `POST /inventory/items/:id/receive`. */
export class ReceiveStockDto {
  @ApiProperty({ type: 'integer', example: 50, minimum: 1, maximum: 1_000_000_000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  quantity: number;

  @ApiProperty({ example: 'PO-2024-118', description: 'Where the stock came from (purchase order, delivery note, …).' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  reference: string;
}
