import { ApiProperty } from '@nestjs/swagger';
import { ApiInteger } from '../../common/swagger/api-integer';

/** Count per workflow state; their sum is always `total`. */
export class StatusCountsDto {
  @ApiInteger(3)
  draft: number;

  @ApiInteger(1)
  pending: number;

  @ApiInteger(5)
  approved: number;

  @ApiInteger(1)
  rejected: number;
}

/** `GET /documents/stats`: every number comes from one read of one point in time. */
export class DocumentStatsDto {
  @ApiInteger(10)
  total: number;

  @ApiProperty({ type: StatusCountsDto })
  byStatus: StatusCountsDto;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { contracts: 7, invoices: 3 } })
  byCategory: Record<string, number>;

  @ApiProperty({ example: '2025-01-15T10:05:00.000Z', description: 'When the snapshot was read.' })
  asOf: string;
}
