import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { ApiETag } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { CLERK_AND_UP, MANAGER_AND_UP } from '../auth/role';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { CreateLeaveRequestDto } from './dto/create-leave-request.dto';
import { LeaveRequestListDto, LeaveRequestResponseDto } from './dto/leave-request-response.dto';
import { ListLeaveRequestsQueryDto } from './dto/list-leave-requests.query.dto';
import { RejectDto } from './dto/reject.dto';
import { LeaveRequestsService } from './leave-requests.service';
import { ApiContention } from './payroll.api';
import { ApiInvalidId, ApiInvalidState, ApiNotFound, ApiValidationFailed } from '../common/swagger/api-problems';

@ApiTags('payroll')
@Controller('payroll/leave-requests')
export class LeaveRequestsController {
  constructor(private readonly leave: LeaveRequestsService) {}

  @Post()
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'Request leave: reserves the working days atomically (clerk and up)' })
  @ApiCreatedResponse({ type: LeaveRequestResponseDto })
  @ApiValidationFailed('Invalid body, `to` before `from`, no working day in the range, or `days` not matching the range. Nothing was written.')
  @ApiNotFound('employee')
  @ApiProblemResponse({
    status: 409,
    code: 'insufficient-balance',
    title: 'Insufficient leave balance',
    description: 'The available balance does not cover the request; nothing was reserved.',
    extensions: { leaveType: 'annual', requested: 5, available: 2 },
  })
  @ApiProblemResponse({
    status: 409,
    code: 'overlapping-leave',
    title: 'Overlapping leave',
    description: 'The employee already has pending or approved leave on one of these dates.',
    extensions: { conflictingRequestId: '665f1c2e8b3e4a00123456bb' },
  })
  @ApiContention()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateLeaveRequestDto): Promise<LeaveRequestResponseDto> {
    return this.leave.create(user, dto);
  }

  @Get()
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'List leave requests (filter by employee and status)' })
  @ApiOkResponse({ type: LeaveRequestListDto })
  @ApiValidationFailed()
  list(@CurrentUser() user: AuthUser, @Query() query: ListLeaveRequestsQueryDto): Promise<LeaveRequestListDto> {
    return this.leave.list(user, query);
  }

  @Get(':id')
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'Read a leave request (ETag = version)' })
  @ApiOkResponse({ type: LeaveRequestResponseDto })
  @ApiETag()
  @ApiInvalidId()
  @ApiNotFound('leave request')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<LeaveRequestResponseDto> {
    return this.leave.get(user, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Authenticated({ roles: MANAGER_AND_UP })
  @ApiOperation({ summary: 'Approve a pending request: its reserved days become consumed (manager and up)' })
  @ApiOkResponse({ type: LeaveRequestResponseDto })
  @ApiNotFound('leave request')
  @ApiInvalidState('The request is no longer pending (already decided or cancelled).', 'approved')
  approve(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<LeaveRequestResponseDto> {
    return this.leave.approve(user, id);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Authenticated({ roles: MANAGER_AND_UP })
  @ApiOperation({ summary: 'Reject a pending request: its days become available again, once (manager and up)' })
  @ApiOkResponse({ type: LeaveRequestResponseDto })
  @ApiValidationFailed()
  @ApiNotFound('leave request')
  @ApiInvalidState('The request is no longer pending (already decided or cancelled).', 'approved')
  reject(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @Body() dto: RejectDto): Promise<LeaveRequestResponseDto> {
    return this.leave.reject(user, id, dto.reason);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'Cancel a pending or approved request: its days become available again, once (clerk and up)' })
  @ApiOkResponse({ type: LeaveRequestResponseDto })
  @ApiNotFound('leave request')
  @ApiInvalidState('The request is already rejected or cancelled.', 'approved')
  cancel(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<LeaveRequestResponseDto> {
    return this.leave.cancel(user, id);
  }
}
