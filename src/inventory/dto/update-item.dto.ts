import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** Body of `PATCH /inventory/items/:id`: descriptive fields only; quantities change through movements. */
export class UpdateItemDto {
  @ApiPropertyOptional({ example: 'Clear film 500 mm, 25 µm' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'roll' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(20)
  unit?: string;
}
