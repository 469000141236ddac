import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { LEAVE_STATUSES, LeaveStatus } from '../leave-request.schema';
import { EmployeeRecordsQueryDto } from './employee-records.query.dto';

export class ListLeaveRequestsQueryDto extends EmployeeRecordsQueryDto {
  @ApiPropertyOptional({ enum: LEAVE_STATUSES, example: 'pending' })
  @IsOptional()
  @IsIn(LEAVE_STATUSES)
  status?: LeaveStatus;
}
