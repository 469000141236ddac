import type { LeaveRequestRecord } from '../leave-request.repository';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LEAVE_STATUSES, LeaveStatus } from '../leave-request.schema';
import { PageDto } from '../../common/http/page.dto';
import { ApiInteger } from '../../common/swagger/api-integer';

export class LeaveRequestResponseDto {
  static from(r: LeaveRequestRecord): LeaveRequestResponseDto {
    return {
      id: String(r._id),
      employeeId: String(r.employeeId),
      type: r.type,
      from: r.from,
      to: r.to,
      days: r.days,
      status: r.status,
      requestedBy: r.requestedBy,
      ...(r.decidedBy === undefined ? {} : { decidedBy: r.decidedBy }),
      ...(r.decidedAt === undefined ? {} : { decidedAt: new Date(r.decidedAt).toISOString() }),
      ...(r.reason === undefined ? {} : { reason: r.reason }),
      version: r.version,
      createdAt: new Date(r.createdAt).toISOString(),
      updatedAt: new Date(r.updatedAt).toISOString(),
    };
  }

  @ApiProperty({ example: '665f1c2e8b3e4a00123456bb' })
  id: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  employeeId: string;

  @ApiProperty({ example: 'annual' })
  type: string;

  @ApiProperty({ example: '2025-07-07' })
  from: string;

  @ApiProperty({ example: '2025-07-11' })
  to: string;

  @ApiInteger(5)
  days: number;

  @ApiProperty({ enum: LEAVE_STATUSES, example: 'pending' })
  status: LeaveStatus;

  @ApiProperty({ example: '665f1c2e8b3e4a0012340000' })
  requestedBy: string;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012340001' })
  decidedBy?: string;

  @ApiPropertyOptional({ example: '2025-07-01T10:00:00.000Z' })
  decidedAt?: string;

  @ApiPropertyOptional({ example: 'Team is short-staffed that week' })
  reason?: string;

  @ApiInteger(1)
  version: number;

  @ApiProperty({ example: '2025-06-30T09:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2025-06-30T09:00:00.000Z' })
  updatedAt: string;
}

export class LeaveRequestListDto extends PageDto(LeaveRequestResponseDto) {}
