import type { LeaveAdjustment } from '../leave-adjustment.schema';
import type { EmployeeRecord } from '../employee.repository';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto } from '../../common/http/page.dto';
import { ApiInteger } from '../../common/swagger/api-integer';

/** Available days per leave type. */
export class LeaveBalancesDto {
  @ApiInteger(20)
  annual: number;

  @ApiInteger(10)
  sick: number;
}

/** One balance in full: available = entitlement − reserved − consumed. */
export class LeaveBalanceDetailDto {
  @ApiInteger(25)
  entitlement: number;

  @ApiInteger(5, 'Held by pending requests.')
  reserved: number;

  @ApiInteger(0, 'Taken by approved requests.')
  consumed: number;

  @ApiInteger(20)
  available: number;
}

export class LeaveDetailsDto {
  @ApiProperty({ type: LeaveBalanceDetailDto })
  annual: LeaveBalanceDetailDto;

  @ApiProperty({ type: LeaveBalanceDetailDto })
  sick: LeaveBalanceDetailDto;
}

export class EmployeeResponseDto {
  /** The wire shape of a stored employee: `id`, never `_id`; balances as available days. */
  static from(e: EmployeeRecord): EmployeeResponseDto {
    const detail = (b: LeaveBalanceDetailDto): LeaveBalanceDetailDto => ({ entitlement: b.entitlement, reserved: b.reserved, consumed: b.consumed, available: b.available });
    return {
      id: String(e._id),
      name: e.name,
      email: e.email,
      managerId: e.managerId ? String(e.managerId) : null,
      leaveBalances: { annual: e.leave.annual.available, sick: e.leave.sick.available },
      leave: { annual: detail(e.leave.annual), sick: detail(e.leave.sick) },
      version: e.version,
      createdAt: new Date(e.createdAt).toISOString(),
      updatedAt: new Date(e.updatedAt).toISOString(),
    };
  }

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345679', nullable: true, type: String })
  managerId: string | null;

  @ApiProperty({ type: LeaveBalancesDto, description: 'Available days.' })
  leaveBalances: LeaveBalancesDto;

  @ApiProperty({ type: LeaveDetailsDto })
  leave: LeaveDetailsDto;

  @ApiInteger(1, 'Also the ETag.')
  version: number;

  @ApiProperty({ example: '2025-01-06T09:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2025-01-06T09:00:00.000Z' })
  updatedAt: string;
}

export class EmployeeListDto extends PageDto(EmployeeResponseDto) {}

export class LeaveAdjustmentResponseDto {
  static from(a: LeaveAdjustment): LeaveAdjustmentResponseDto {
    return {
      id: String(a._id),
      employeeId: String(a.employeeId),
      type: a.type,
      delta: a.delta,
      reason: a.reason,
      by: a.by,
      entitlementAfter: a.entitlementAfter,
      availableAfter: a.availableAfter,
      createdAt: new Date(a.createdAt).toISOString(),
    };
  }

  @ApiProperty({ example: '665f1c2e8b3e4a00123456aa' })
  id: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  employeeId: string;

  @ApiProperty({ example: 'annual' })
  type: string;

  @ApiInteger(2)
  delta: number;

  @ApiProperty({ example: 'Carry-over from last year' })
  reason: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012340000', description: 'The user who made the change.' })
  by: string;

  @ApiInteger(27)
  entitlementAfter: number;

  @ApiInteger(22)
  availableAfter: number;

  @ApiProperty({ example: '2025-01-06T09:00:00.000Z' })
  createdAt: string;
}
