import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EmployeeRepository } from './employee.repository';
import { EMPLOYEE_MODEL, EmployeeSchema } from './employee.schema';
import { EmployeesController } from './employees.controller';
import { EmployeesService } from './employees.service';
import { LeaveAdjustmentRepository } from './leave-adjustment.repository';
import { LEAVE_ADJUSTMENT_MODEL, LeaveAdjustmentSchema } from './leave-adjustment.schema';
import { LeaveRequestRepository } from './leave-request.repository';
import { LEAVE_REQUEST_MODEL, LeaveRequestSchema } from './leave-request.schema';
import { LeaveRequestsController } from './leave-requests.controller';
import { LeaveRequestsService } from './leave-requests.service';
import { PayrollReportsController } from './payroll-reports.controller';
import { PayrollReportsService } from './payroll-reports.service';
import { TimesheetRepository } from './timesheet.repository';
import { TIMESHEET_MODEL, TimesheetSchema } from './timesheet.schema';
import { TimesheetsController } from './timesheets.controller';
import { TimesheetsService } from './timesheets.service';

/** Payroll: employees and leave balances, leave requests, weekly timesheets, team dashboard. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: EMPLOYEE_MODEL, schema: EmployeeSchema },
      { name: LEAVE_REQUEST_MODEL, schema: LeaveRequestSchema },
      { name: TIMESHEET_MODEL, schema: TimesheetSchema },
      { name: LEAVE_ADJUSTMENT_MODEL, schema: LeaveAdjustmentSchema },
    ]),
  ],
  controllers: [EmployeesController, LeaveRequestsController, TimesheetsController, PayrollReportsController],
  providers: [
    EmployeeRepository,
    LeaveRequestRepository,
    TimesheetRepository,
    LeaveAdjustmentRepository,
    EmployeesService,
    LeaveRequestsService,
    TimesheetsService,
    PayrollReportsService,
  ],
})
export class PayrollModule {}
