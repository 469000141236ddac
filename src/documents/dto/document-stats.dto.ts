import { ApiProperty } from '@nestjs/swagger';

/** Count per workflow state; their sum is always `total`. */
export class StatusCountsDto {
  @ApiProperty({ type: 'integer', example: 3 })
  draft: number;

  @ApiProperty({ type: 'integer', example: 1 })
  pending: number;

  @ApiProperty({ type: 'integer', example: 5 })
  approved: number;

  @ApiProperty({ type: 'integer', example: 1 })
  rejected: number;
}

/** `GET /documents/stats`: every number comes from one read of one point in time. */
export class DocumentStatsDto {
  @ApiProperty({ type: 'integer', example: 10 })
  total: number;

  @ApiProperty({ type: StatusCountsDto })
  byStatus: StatusCountsDto;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { contracts: 7, invoices: 3 } })
  byCategory: Record<string, number>;

  @ApiProperty({ example: '2025-01-15T10:05:00.000Z', description: 'When the snapshot was read.' })
  asOf: string;
}
