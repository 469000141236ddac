import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsMongoId, IsOptional, Max, Min } from 'class-validator';
import { LEAVE_TYPES, LeaveType } from '../employee.schema';
import { IsIsoDate } from './payroll-validators';

export class CreateLeaveRequestDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  @IsMongoId()
  employeeId: string;

  @ApiProperty({ enum: LEAVE_TYPES, example: 'annual' })
  @IsIn(LEAVE_TYPES)
  type: LeaveType;

  @ApiProperty({ example: '2025-07-07', description: 'First day (ISO date, UTC), inclusive.' })
  @IsIsoDate()
  from: string;

  @ApiProperty({ example: '2025-07-11', description: 'Last day (ISO date, UTC), inclusive; not before `from`, at most 366 days after it.' })
  @IsIsoDate()
  to: string;

  @ApiPropertyOptional({ type: 'integer', example: 5, description: 'Working days (Mon–Fri) in [from, to]; when given it must match, else 400.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(366)
  days?: number;
}
