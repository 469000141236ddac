import { ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';
import { DocumentFieldsDto } from './document-fields.dto';
import { IsFieldMap } from './field-map.validator';

/** Validate only when the key is present: absent means "leave unchanged" (null is still checked). */
const present = (_: object, value: unknown): boolean => value !== undefined;
/**
 * `customerRef: null` means "clear it", so only present, non-null values are checked (this
 * condition replaces the inherited one: class-validator keeps one condition per property).
 */
const presentAndNotNull = (_: object, value: unknown): boolean => value !== undefined && value !== null;

/**
 * Body of `PATCH /documents/:id`: a partial update. Only the keys present change; absent keys
 * are never blanked (`skipNullProperties: false`: a present null is still validated, so
 * `title: null` is a 400); `customerRef: null` clears it; in `fields`, each key present is set
 * and a `null` value removes that key (JSON Merge Patch for the custom fields).
 */
export class UpdateDocumentDto extends PartialType(PickType(DocumentFieldsDto, ['title', 'category', 'type', 'customerRef', 'tags'] as const), {
  skipNullProperties: false,
}) {
  @ApiPropertyOptional({ type: 'string', example: 'CUST-2001', nullable: true, minLength: 1, maxLength: 100, description: '`null` clears it.' })
  @ValidateIf(presentAndNotNull)
  override customerRef?: string | null;

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
