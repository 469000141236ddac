import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** Body of the reject actions (leave requests and timesheets). */
export class RejectDto {
  @ApiProperty({ example: 'Team is short-staffed that week', minLength: 1, maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}
