import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ConsistencyViolationDto {
  @ApiProperty({ example: 'balance-mismatch', enum: ['balance-mismatch', 'reserved-mismatch', 'consumed-mismatch', 'negative-balance', 'overlapping-leave', 'duplicate-submitted-timesheet'] })
  kind: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  employeeId: string;

  @ApiPropertyOptional({ example: 'annual' })
  leaveType?: string;

  @ApiProperty({ example: 'available 3 ≠ entitlement 12 − reserved 5 − consumed 5' })
  detail: string;
}

export class ConsistencyResponseDto {
  @ApiProperty({ example: true })
  ok: boolean;

  @ApiProperty({ type: [ConsistencyViolationDto], example: [] })
  violations: ConsistencyViolationDto[];

  @ApiProperty({ example: '2025-07-31T12:00:00.000Z' })
  checkedAt: string;
}
