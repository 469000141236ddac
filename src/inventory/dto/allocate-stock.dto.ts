import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

/** Body of `POST /inventory/items/:id/allocate`. */
export class AllocateStockDto {
  @ApiProperty({ type: 'integer', example: 10, minimum: 1, maximum: 1_000_000_000 })
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  quantity: number;

  @ApiProperty({ example: 'JOB-4711', description: 'What the stock is reserved for.' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  orderReference: string;
}
