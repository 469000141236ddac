import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsMongoId, IsNumber, Max, Min, ValidateNested } from 'class-validator';
import { IsIsoDate, IsQuarterHours } from './payroll-validators';

export class TimesheetEntryDto {
  @ApiProperty({ example: '2025-07-07', description: 'A day of the week starting at periodStart.' })
  @IsIsoDate()
  date: string;

  @ApiProperty({ example: 8, minimum: 0, maximum: 24, description: 'Hours worked, in steps of 0.25.' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(24)
  @IsQuarterHours()
  hours: number;
}

export class CreateTimesheetDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  @IsMongoId()
  employeeId: string;

  @ApiProperty({ example: '2025-07-07', description: 'The Monday the week starts on.' })
  @IsIsoDate()
  periodStart: string;

  @ApiProperty({ type: [TimesheetEntryDto], example: [{ date: '2025-07-07', hours: 8 }, { date: '2025-07-08', hours: 7.5 }], description: 'At most one entry per day.' })
  @IsArray()
  @ArrayMaxSize(7)
  @ValidateNested({ each: true })
  @Type(() => TimesheetEntryDto)
  entries: TimesheetEntryDto[];
}
