import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional } from 'class-validator';
import { LEAVE_STATUSES, LeaveStatus } from '../leave-request.schema';
import { PageQueryDto } from '../../common/http/page-query.dto';

export class ListLeaveRequestsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345678' })
  @IsOptional()
  @IsMongoId()
  employeeId?: string;

  @ApiPropertyOptional({ enum: LEAVE_STATUSES, example: 'pending' })
  @IsOptional()
  @IsIn(LEAVE_STATUSES)
  status?: LeaveStatus;
}
