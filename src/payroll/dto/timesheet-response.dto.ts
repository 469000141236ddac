import type { TimesheetRecord } from '../timesheet.repository';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TIMESHEET_STATUSES, TimesheetStatus } from '../timesheet.schema';
import { TimesheetEntryDto } from './create-timesheet.dto';
import { PageDto } from '../../common/http/page.dto';
import { ApiInteger } from '../../common/swagger/api-integer';

export class TimesheetResponseDto {
  static from(t: TimesheetRecord): TimesheetResponseDto {
    return {
      id: String(t._id),
      employeeId: String(t.employeeId),
      periodStart: t.periodStart,
      entries: t.entries.map((e) => ({ date: e.date, hours: e.hours })),
      totalHours: t.totalHours,
      status: t.status,
      createdBy: t.createdBy,
      ...(t.submittedBy === undefined ? {} : { submittedBy: t.submittedBy }),
      ...(t.submittedAt === undefined ? {} : { submittedAt: new Date(t.submittedAt).toISOString() }),
      ...(t.decidedBy === undefined ? {} : { decidedBy: t.decidedBy }),
      ...(t.decidedAt === undefined ? {} : { decidedAt: new Date(t.decidedAt).toISOString() }),
      ...(t.reason === undefined ? {} : { reason: t.reason }),
      version: t.version,
      createdAt: new Date(t.createdAt).toISOString(),
      updatedAt: new Date(t.updatedAt).toISOString(),
    };
  }

  @ApiProperty({ example: '665f1c2e8b3e4a00123456cc' })
  id: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  employeeId: string;

  @ApiProperty({ example: '2025-07-07' })
  periodStart: string;

  @ApiProperty({ type: [TimesheetEntryDto] })
  entries: TimesheetEntryDto[];

  @ApiProperty({ example: 15.5 })
  totalHours: number;

  @ApiProperty({ enum: TIMESHEET_STATUSES, example: 'draft' })
  status: TimesheetStatus;

  @ApiProperty({ example: '665f1c2e8b3e4a0012340000' })
  createdBy: string;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012340000' })
  submittedBy?: string;

  @ApiPropertyOptional({ example: '2025-07-11T17:00:00.000Z' })
  submittedAt?: string;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012340001' })
  decidedBy?: string;

  @ApiPropertyOptional({ example: '2025-07-12T09:00:00.000Z' })
  decidedAt?: string;

  @ApiPropertyOptional({ example: 'Missing Friday' })
  reason?: string;

  @ApiInteger(1, 'Also the ETag; approve/reject need it as If-Match.')
  version: number;

  @ApiProperty({ example: '2025-07-11T16:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2025-07-11T16:00:00.000Z' })
  updatedAt: string;
}

export class TimesheetListDto extends PageDto(TimesheetResponseDto) {}
