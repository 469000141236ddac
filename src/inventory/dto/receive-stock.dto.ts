import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { StockQuantityDto } from './stock-quantity.dto';

/** Body of `POST /inventory/items/:id/receive`. */
export class ReceiveStockDto extends StockQuantityDto {
  @ApiProperty({ example: 'PO-2024-118', description: 'Where the stock came from (purchase order, delivery note, …).' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  reference: string;
}
