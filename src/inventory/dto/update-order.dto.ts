import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** Body of `PATCH /inventory/orders/:id`: only the fields present change. */
export class UpdateOrderDto {
  @ApiPropertyOptional({ example: 'Acme Packaging Ltd (Leeds)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  customerName?: string;

  @ApiPropertyOptional({ example: 'Customer asked for pallets of 20' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;
}
