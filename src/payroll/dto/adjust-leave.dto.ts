import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Max, MaxLength, Min, MinLength, NotEquals } from 'class-validator';
import { LEAVE_TYPES, LeaveType } from '../employee.schema';

/** A manual, audited change of one leave entitlement. */
export class AdjustLeaveDto {
  @ApiProperty({ enum: LEAVE_TYPES, example: 'annual' })
  @IsIn(LEAVE_TYPES)
  type: LeaveType;

  @ApiProperty({ type: 'integer', example: 2, description: 'Whole days to add (negative to remove; never below the available days).', minimum: -366, maximum: 366 })
  @IsInt()
  @NotEquals(0)
  @Min(-366)
  @Max(366)
  delta: number;

  @ApiProperty({ example: 'Carry-over from last year', minLength: 3, maxLength: 500 })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}
