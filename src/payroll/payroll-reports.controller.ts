import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { MANAGER_AND_UP } from '../auth/role';
import { ConsistencyResponseDto } from './dto/consistency-response.dto';
import { DashboardQueryDto } from './dto/dashboard-query.dto';
import { DashboardResponseDto } from './dto/dashboard-response.dto';
import { PayrollReportsService } from './payroll-reports.service';
import { ApiValidationFailed } from '../common/swagger/api-problems';

@ApiTags('payroll')
@Controller('payroll')
export class PayrollReportsController {
  constructor(private readonly reports: PayrollReportsService) {}

  @Get('dashboard')
  @Authenticated({ roles: MANAGER_AND_UP })
  @ApiOperation({ operationId: 'getPayrollDashboard', summary: 'Per-manager team figures for a month, from one snapshot with a fixed number of queries (manager and up)' })
  @ApiOkResponse({ type: DashboardResponseDto })
  @ApiValidationFailed()
  dashboard(@CurrentUser() user: AuthUser, @Query() query: DashboardQueryDto): Promise<DashboardResponseDto> {
    return this.reports.dashboard(user, query.period);
  }

  @Get('consistency')
  @Authenticated({ roles: MANAGER_AND_UP })
  @ApiOperation({ operationId: 'checkPayrollConsistency', summary: 'Check the payroll invariants (balances, overlapping leave, double-submitted weeks) in one snapshot (manager and up)' })
  @ApiOkResponse({ type: ConsistencyResponseDto })
  consistency(@CurrentUser() user: AuthUser): Promise<ConsistencyResponseDto> {
    return this.reports.consistency(user);
  }
}
