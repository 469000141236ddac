import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsMongoId, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/http/page-query.dto';

/** A page of one kind of employee record (leave requests, timesheets), optionally of one employee. */
export class EmployeeRecordsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345678' })
  @IsOptional()
  @IsMongoId()
  employeeId?: string;
}
