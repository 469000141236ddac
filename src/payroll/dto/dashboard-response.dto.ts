import { ApiProperty } from '@nestjs/swagger';
import { ApiInteger } from '../../common/swagger/api-integer';

export class TeamSummaryDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345679' })
  managerId: string;

  @ApiProperty({ example: 'Grace Hopper', nullable: true, type: String })
  managerName: string | null;

  @ApiInteger(4, 'Employees whose managerId is this manager.')
  teamSize: number;

  @ApiProperty({ example: 38.5, description: 'Hours dated in the period on timesheets awaiting approval.' })
  submittedHours: number;

  @ApiProperty({ example: 160, description: 'Hours dated in the period on approved timesheets.' })
  approvedHours: number;

  @ApiInteger(3, 'pendingTimesheets + pendingLeaveRequests.')
  pendingApprovals: number;

  @ApiInteger(2, 'Submitted timesheets whose week touches the period.')
  pendingTimesheets: number;

  @ApiInteger(1, 'Pending leave requests with working days in the period.')
  pendingLeaveRequests: number;

  @ApiInteger(5, 'Working days of approved leave falling in the period.')
  leaveDaysTaken: number;
}

export class DashboardResponseDto {
  @ApiProperty({ example: '2025-07' })
  period: string;

  @ApiProperty({ example: '2025-07-31T12:00:00.000Z', description: 'When the snapshot was read; every figure comes from it.' })
  asOf: string;

  @ApiProperty({ type: [TeamSummaryDto] })
  teams: TeamSummaryDto[];
}
