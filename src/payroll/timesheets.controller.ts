import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { ApiETag, IfMatchVersion, RequireIfMatch } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { CLERK_AND_UP, MANAGER_AND_UP } from '../auth/role';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { CreateTimesheetDto } from './dto/create-timesheet.dto';
import { ListTimesheetsQueryDto } from './dto/list-timesheets.query.dto';
import { RejectDto } from './dto/reject.dto';
import { TimesheetListDto, TimesheetResponseDto } from './dto/timesheet-response.dto';
import { UpdateTimesheetDto } from './dto/update-timesheet.dto';
import { TimesheetsService } from './timesheets.service';
import { ApiInvalidId, ApiInvalidState, ApiNotFound, ApiValidationFailed } from '../common/swagger/api-problems';

const ApiNotSubmitted = (): MethodDecorator => ApiInvalidState('The timesheet is not submitted (already decided, or still a draft).', 'approved');

@ApiTags('payroll')
@Controller('payroll/timesheets')
export class TimesheetsController {
  constructor(private readonly timesheets: TimesheetsService) {}

  @Post()
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'Create a draft weekly timesheet (clerk and up)' })
  @ApiCreatedResponse({ type: TimesheetResponseDto })
  @ApiValidationFailed('Invalid body, periodStart not a Monday, an entry outside the week or twice the same day, hours outside 0–24. Nothing was written.')
  @ApiNotFound('employee')
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateTimesheetDto): Promise<TimesheetResponseDto> {
    return this.timesheets.create(user, dto);
  }

  @Get()
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'List timesheets (filter by employee, status, week)' })
  @ApiOkResponse({ type: TimesheetListDto })
  @ApiValidationFailed()
  list(@CurrentUser() user: AuthUser, @Query() query: ListTimesheetsQueryDto): Promise<TimesheetListDto> {
    return this.timesheets.list(user, query);
  }

  @Get(':id')
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'Read a timesheet (ETag = version)' })
  @ApiOkResponse({ type: TimesheetResponseDto })
  @ApiETag()
  @ApiInvalidId()
  @ApiNotFound('timesheet')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<TimesheetResponseDto> {
    return this.timesheets.get(user, id);
  }

  @Patch(':id')
  @Authenticated({ roles: CLERK_AND_UP })
  @RequireIfMatch()
  @ApiOperation({ summary: 'Replace the entries of a draft (If-Match required)' })
  @ApiOkResponse({ type: TimesheetResponseDto })
  @ApiValidationFailed()
  @ApiNotFound('timesheet')
  @ApiInvalidState('Only drafts can be edited.', 'approved')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number,
    @Body() dto: UpdateTimesheetDto,
  ): Promise<TimesheetResponseDto> {
    return this.timesheets.update(user, id, version, dto);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'Submit a draft, once (clerk and up)' })
  @ApiOkResponse({ type: TimesheetResponseDto })
  @ApiNotFound('timesheet')
  @ApiInvalidState('The timesheet is no longer a draft (already submitted).', 'approved')
  @ApiProblemResponse({
    status: 409,
    code: 'duplicate',
    title: 'Duplicate',
    description: 'Another timesheet of this employee for this week is already submitted or approved.',
    extensions: { fields: ['employeeId', 'periodStart'] },
  })
  submit(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<TimesheetResponseDto> {
    return this.timesheets.submit(user, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Authenticated({ roles: MANAGER_AND_UP })
  @RequireIfMatch()
  @ApiOperation({ summary: 'Approve a submitted timesheet (manager and up; If-Match required)' })
  @ApiOkResponse({ type: TimesheetResponseDto })
  @ApiNotFound('timesheet')
  @ApiNotSubmitted()
  approve(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @IfMatchVersion() version: number): Promise<TimesheetResponseDto> {
    return this.timesheets.approve(user, id, version);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Authenticated({ roles: MANAGER_AND_UP })
  @RequireIfMatch()
  @ApiOperation({ summary: 'Reject a submitted timesheet (manager and up; If-Match required); the week can be submitted again' })
  @ApiOkResponse({ type: TimesheetResponseDto })
  @ApiValidationFailed()
  @ApiNotFound('timesheet')
  @ApiNotSubmitted()
  reject(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number,
    @Body() dto: RejectDto,
  ): Promise<TimesheetResponseDto> {
    return this.timesheets.reject(user, id, version, dto.reason);
  }
}
