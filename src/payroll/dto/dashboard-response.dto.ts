import { ApiProperty } from '@nestjs/swagger';

export class TeamSummaryDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345679' })
  managerId: string;

  @ApiProperty({ example: 'Grace Hopper', nullable: true, type: String })
  managerName: string | null;

  @ApiProperty({ type: 'integer', example: 4, description: 'Employees whose managerId is this manager.' })
  teamSize: number;

  @ApiProperty({ example: 38.5, description: 'Hours dated in the period on timesheets awaiting approval.' })
  submittedHours: number;

  @ApiProperty({ example: 160, description: 'Hours dated in the period on approved timesheets.' })
  approvedHours: number;

  @ApiProperty({ type: 'integer', example: 3, description: 'pendingTimesheets + pendingLeaveRequests.' })
  pendingApprovals: number;

  @ApiProperty({ type: 'integer', example: 2, description: 'Submitted timesheets whose week touches the period.' })
  pendingTimesheets: number;

  @ApiProperty({ type: 'integer', example: 1, description: 'Pending leave requests with working days in the period.' })
  pendingLeaveRequests: number;

  @ApiProperty({ type: 'integer', example: 5, description: 'Working days of approved leave falling in the period.' })
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
