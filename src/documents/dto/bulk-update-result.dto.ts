import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BULK_MODES, BulkMode } from './bulk-update-documents.dto';
import { ApiInteger } from '../../common/swagger/api-integer';

export const BULK_OUTCOMES = ['updated', 'version-mismatch', 'not-found', 'invalid-state'] as const;
export type BulkOutcome = (typeof BULK_OUTCOMES)[number];

/** What happened to one item of a bulk update. */
export class BulkItemResultDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id: string;

  @ApiProperty({ enum: BULK_OUTCOMES, example: 'updated' })
  outcome: BulkOutcome;

  @ApiPropertyOptional({ type: 'integer', example: 4, description: 'updated: the new version; version-mismatch: the current one.' })
  version?: number;

  @ApiPropertyOptional({ example: 'approved', description: 'invalid-state: the state that forbids the edit.' })
  status?: string;
}

/** Response of `PATCH /documents/bulk`. */
export class BulkUpdateResultDto {
  @ApiProperty({ enum: BULK_MODES, example: 'atomic' })
  mode: BulkMode;

  @ApiInteger(2, 'How many documents were changed.')
  updated: number;

  @ApiProperty({ type: [BulkItemResultDto] })
  results: BulkItemResultDto[];
}
