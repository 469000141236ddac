import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { ApiETag, Idempotent, IfMatchVersion, RequireIfMatch } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { CLERK_AND_UP, MANAGER_AND_UP } from '../auth/role';
import { PageQueryDto } from '../common/http/page-query.dto';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { AdjustLeaveDto } from './dto/adjust-leave.dto';
import { CreateEmployeeDto } from './dto/create-employee.dto';
import { EmployeeListDto, EmployeeResponseDto, LeaveAdjustmentResponseDto } from './dto/employee-response.dto';
import { UpdateEmployeeDto } from './dto/update-employee.dto';
import { EmployeesService } from './employees.service';
import { ApiInvalidId, ApiNotFound, ApiValidationFailed } from '../common/swagger/api-problems';

@ApiTags('payroll')
@Controller('payroll/employees')
export class EmployeesController {
  constructor(private readonly employees: EmployeesService) {}

  @Post()
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'Create an employee with opening leave entitlements (clerk and up)' })
  @ApiCreatedResponse({ type: EmployeeResponseDto })
  @ApiValidationFailed()
  @ApiNotFound('manager (managerId)')
  @ApiProblemResponse({ status: 409, code: 'duplicate', title: 'Duplicate', description: 'An employee with this email already exists in your tenant.', extensions: { fields: ['email'] } })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateEmployeeDto): Promise<EmployeeResponseDto> {
    return this.employees.create(user, dto);
  }

  @Get()
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'List employees (page and total from one snapshot)' })
  @ApiOkResponse({ type: EmployeeListDto })
  @ApiValidationFailed()
  list(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<EmployeeListDto> {
    return this.employees.list(user, query);
  }

  @Get(':id')
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'Read an employee; leaveBalances are the available days (ETag = version)' })
  @ApiOkResponse({ type: EmployeeResponseDto })
  @ApiETag()
  @ApiInvalidId()
  @ApiNotFound('employee')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<EmployeeResponseDto> {
    return this.employees.get(user, id);
  }

  @Patch(':id')
  @Authenticated({ roles: CLERK_AND_UP })
  @RequireIfMatch()
  @ApiOperation({ summary: 'Change name, email or manager (If-Match required; balances are not editable here)' })
  @ApiOkResponse({ type: EmployeeResponseDto })
  @ApiValidationFailed()
  @ApiNotFound('employee or manager')
  @ApiProblemResponse({ status: 409, code: 'duplicate', title: 'Duplicate', description: 'Another employee of your tenant has this email.', extensions: { fields: ['email'] } })
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number,
    @Body() dto: UpdateEmployeeDto,
  ): Promise<EmployeeResponseDto> {
    return this.employees.update(user, id, version, dto);
  }

  @Post(':id/leave-adjustments')
  @Authenticated({ roles: MANAGER_AND_UP })
  @Idempotent()
  @ApiOperation({ operationId: 'adjustLeave', summary: 'Add or remove leave entitlement days, with an audit entry (manager and up)' })
  @ApiCreatedResponse({ type: LeaveAdjustmentResponseDto })
  @ApiValidationFailed()
  @ApiNotFound('employee')
  @ApiProblemResponse({
    status: 409,
    code: 'insufficient-balance',
    title: 'Insufficient leave balance',
    description: 'Removing more days than are available; nothing changed.',
    extensions: { leaveType: 'annual', requested: 5, available: 2 },
  })
  adjustLeave(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @Body() dto: AdjustLeaveDto): Promise<LeaveAdjustmentResponseDto> {
    return this.employees.adjustLeave(user, id, dto);
  }

  @Get(':id/leave-adjustments')
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ operationId: 'listLeaveAdjustments', summary: 'The audit trail of leave-entitlement adjustments, oldest first' })
  @ApiOkResponse({ type: [LeaveAdjustmentResponseDto] })
  @ApiNotFound('employee')
  listAdjustments(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<LeaveAdjustmentResponseDto[]> {
    return this.employees.listAdjustments(user, id);
  }
}
