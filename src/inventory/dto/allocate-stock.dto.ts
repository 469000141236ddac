import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { StockQuantityDto } from './stock-quantity.dto';

/** Body of `POST /inventory/items/:id/allocate`. */
export class AllocateStockDto extends StockQuantityDto {
  @ApiProperty({ example: 'JOB-4711', description: 'What the stock is reserved for.' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  orderReference: string;
}
