import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsString, Length } from 'class-validator';
import { IsFieldMap } from './field-map.validator';

/** Body of `POST /documents`. New documents start in `draft`. */
export class CreateDocumentDto {
  @ApiProperty({ example: 'Master services agreement — ACME', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiProperty({ example: 'contracts', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  category: string;

  @ApiProperty({ example: 'msa', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  type: string;

  @ApiPropertyOptional({ example: 'CUST-1042', minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  customerRef?: string;

  @ApiPropertyOptional({ type: [String], example: ['priority', 'legal'], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { amountCents: 125000, renewal: 'annual' },
    description: 'Custom metadata, flat: at most 100 keys matching ^[A-Za-z0-9_-]{1,64}$; values are strings (≤ 1000 characters), numbers or booleans.',
  })
  @IsOptional()
  @IsFieldMap()
  fields?: Record<string, unknown>;
}
