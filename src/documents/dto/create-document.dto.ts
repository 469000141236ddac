import { ApiPropertyOptional, IntersectionType, PartialType, PickType } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { DocumentFieldsDto } from './document-fields.dto';
import { IsFieldMap } from './field-map.validator';

/** Body of `POST /documents`. New documents start in `draft`. */
export class CreateDocumentDto extends IntersectionType(
  PickType(DocumentFieldsDto, ['title', 'category', 'type'] as const),
  PartialType(PickType(DocumentFieldsDto, ['customerRef', 'tags'] as const)),
) {
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
