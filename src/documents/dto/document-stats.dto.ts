import { ApiProperty } from '@nestjs/swagger';

/** Count per workflow state; their sum is always `total`. */
export class StatusCountsDto {
  @ApiProperty({ example: 3 })
  draft: number;

  @ApiProperty({ example: 1 })
  pending: number;

  @ApiProperty({ example: 5 })
  approved: number;

  @ApiProperty({ example: 1 })
  rejected: number;
}

/** `GET /documents/stats`: every number comes from one read of one point in time. */
export class DocumentStatsDto {
  @ApiProperty({ example: 10 })
  total: number;

  @ApiProperty({ type: StatusCountsDto })
  byStatus: StatusCountsDto;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { contracts: 7, invoices: 3 } })
  byCategory: Record<string, number>;

  @ApiProperty({ example: '2025-01-15T10:05:00.000Z', description: 'When the snapshot was read.' })
  asOf: string;
}
