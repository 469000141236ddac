import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { TIMESHEET_STATUSES, TimesheetStatus } from '../timesheet.schema';
import { EmployeeRecordsQueryDto } from './employee-records.query.dto';
import { IsIsoDate } from './payroll-validators';

export class ListTimesheetsQueryDto extends EmployeeRecordsQueryDto {
  @ApiPropertyOptional({ enum: TIMESHEET_STATUSES, example: 'submitted' })
  @IsOptional()
  @IsIn(TIMESHEET_STATUSES)
  status?: TimesheetStatus;

  @ApiPropertyOptional({ example: '2025-07-07' })
  @IsOptional()
  @IsIsoDate()
  periodStart?: string;
}
