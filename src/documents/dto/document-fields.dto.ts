import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsString, Length } from 'class-validator';

/**
 * Every editable document field with its validators, written once. The request DTOs are
 * mapped from it (PickType / PartialType), so create, PATCH and bulk can never drift apart.
 */
export class DocumentFieldsDto {
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

  // `| null`: optional where it is picked, and a PATCH sends null to clear it.
  @ApiProperty({ type: 'string', example: 'CUST-1042', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  customerRef: string | null;

  @ApiProperty({ type: [String], example: ['priority', 'legal'], maxItems: 50 })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags: string[];
}
