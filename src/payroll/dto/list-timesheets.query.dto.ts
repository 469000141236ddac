import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional } from 'class-validator';
import { TIMESHEET_STATUSES, TimesheetStatus } from '../timesheet.schema';
import { PageQueryDto } from '../../common/http/page-query.dto';
import { IsIsoDate } from './payroll-validators';

export class ListTimesheetsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345678' })
  @IsOptional()
  @IsMongoId()
  employeeId?: string;

  @ApiPropertyOptional({ enum: TIMESHEET_STATUSES, example: 'submitted' })
  @IsOptional()
  @IsIn(TIMESHEET_STATUSES)
  status?: TimesheetStatus;

  @ApiPropertyOptional({ example: '2025-07-07' })
  @IsOptional()
  @IsIsoDate()
  periodStart?: string;
}
