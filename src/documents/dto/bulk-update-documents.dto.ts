import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsMongoId, IsObject, IsOptional, Min, ValidateNested } from 'class-validator';
import { UpdateDocumentDto } from './update-document.dto';
import { ApiInteger } from '../../common/swagger/api-integer';

/** Upper bound of one bulk request (one transaction must stay short). */
export const MAX_BULK_ITEMS = 500;

export const BULK_MODES = ['atomic', 'partial'] as const;
export type BulkMode = (typeof BULK_MODES)[number];

/** One target of a bulk update: the document and the version the client last read. */
export class BulkItemDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  @IsMongoId()
  id: string;

  @ApiInteger(3, 'The version (ETag) the client last read.')
  @IsInt()
  @Min(1)
  version: number;
}

/**
 * The fields a bulk update may change, with the same partial-update rules as PATCH. `status` is
 * not here on purpose: a state change must go through the approval workflow, which writes the
 * history entry and the notification event.
 */
export class BulkSetDto extends PickType(UpdateDocumentDto, ['category', 'type', 'tags', 'customerRef'] as const) {}

/** Body of `PATCH /documents/bulk`. */
export class BulkUpdateDocumentsDto {
  @ApiProperty({ type: [BulkItemDto], maxItems: MAX_BULK_ITEMS, example: [{ id: '665f1c2e8b3e4a0012345678', version: 1 }] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_ITEMS)
  @ArrayUnique((item: BulkItemDto) => item?.id, { message: 'items must not name a document twice' })
  @ValidateNested({ each: true })
  @Type(() => BulkItemDto)
  items: BulkItemDto[];

  @ApiProperty({ type: BulkSetDto, example: { category: 'archive', tags: ['archived'] } })
  @IsObject()
  @ValidateNested()
  @Type(() => BulkSetDto)
  set: BulkSetDto;

  @ApiPropertyOptional({
    enum: BULK_MODES,
    default: 'atomic',
    example: 'atomic',
    description: 'atomic: all or nothing (any stale version → 412 listing every conflict). partial: each item on its own.',
  })
  @IsOptional()
  @IsIn(BULK_MODES)
  mode?: BulkMode;
}
