import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsString, Length, ValidateIf } from 'class-validator';
import { IsFieldMap } from './field-map.validator';

/** Validate only when the key is present: absent means "leave unchanged" (null is still checked). */
const present = (_: object, value: unknown): boolean => value !== undefined;
/** For optional fields `null` means "clear it", so only non-null values are checked. */
const presentAndNotNull = (_: object, value: unknown): boolean => value !== undefined && value !== null;

/**
 * Body of `PATCH /documents/:id`: a partial update. Only the keys present change; absent keys
 * are never blanked; `customerRef: null` clears it; in `fields`, each key present is set and a
 * `null` value removes that key (JSON Merge Patch for the custom fields).
 */
export class UpdateDocumentDto {
  @ApiPropertyOptional({ example: 'Master services agreement — ACME (rev. 2)', minLength: 1, maxLength: 200 })
  @ValidateIf(present)
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({ example: 'contracts' })
  @ValidateIf(present)
  @IsString()
  @Length(1, 100)
  category?: string;

  @ApiPropertyOptional({ example: 'msa' })
  @ValidateIf(present)
  @IsString()
  @Length(1, 100)
  type?: string;

  @ApiPropertyOptional({ type: 'string', example: 'CUST-2001', nullable: true, minLength: 1, maxLength: 100, description: '`null` clears it.' })
  @ValidateIf(presentAndNotNull)
  @IsString()
  @Length(1, 100)
  customerRef?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['priority'], description: 'Replaces the whole tag list.' })
  @ValidateIf(present)
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { renewal: 'monthly', legacyCode: null },
    description: 'Merged key by key; a null value removes that key.',
  })
  @ValidateIf(present)
  @IsFieldMap({ allowNullValues: true })
  fields?: Record<string, unknown>;
}
