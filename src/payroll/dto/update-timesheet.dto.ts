import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, ValidateNested } from 'class-validator';
import { TimesheetEntryDto } from './create-timesheet.dto';

/** Replaces the entries of a draft timesheet (If-Match required). */
export class UpdateTimesheetDto {
  @ApiProperty({ type: [TimesheetEntryDto], example: [{ date: '2025-07-07', hours: 8 }, { date: '2025-07-08', hours: 8 }] })
  @IsArray()
  @ArrayMaxSize(7)
  @ValidateNested({ each: true })
  @Type(() => TimesheetEntryDto)
  entries: TimesheetEntryDto[];
}
