import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '@app/problem-details';
import { Transactional } from '@app/concurrency';
import { Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import { PageQueryDto, pageWindow } from '../common/http/page-query.dto';
import { mapPage } from '../common/database/tenant-scoped.repository';
import { AdjustLeaveDto } from './dto/adjust-leave.dto';
import { CreateEmployeeDto } from './dto/create-employee.dto';
import { EmployeeListDto, EmployeeResponseDto, LeaveAdjustmentResponseDto } from './dto/employee-response.dto';
import { UpdateEmployeeDto } from './dto/update-employee.dto';
import { EmployeeRepository } from './employee.repository';
import { LeaveAdjustmentRepository } from './leave-adjustment.repository';
import { InsufficientBalanceError } from './payroll.errors';

/** Most adjustments a listing returns (the audit trail of one employee). */
const MAX_ADJUSTMENTS_LISTED = 500;

/** Employees: profiles, manager links, and audited leave-entitlement adjustments. */
@Injectable()
export class EmployeesService {
  constructor(
    private readonly employees: EmployeeRepository,
    private readonly adjustments: LeaveAdjustmentRepository,
  ) {}

  /**
   * Creates an employee with opening leave entitlements (all available). The manager, when
   * given, must be an employee of the caller's tenant (404 otherwise); employees are never
   * deleted, so the check cannot be invalidated by a concurrent request. Email unique per
   * tenant → 409 `duplicate` (decided by the unique index).
   */
  async create(actor: AuthUser, dto: CreateEmployeeDto): Promise<EmployeeResponseDto> {
    const managerId = dto.managerId ? await this.requireManager(actor.tenantId, dto.managerId) : null;
    const balance = (days: number) => ({ entitlement: days, reserved: 0, consumed: 0, available: days });
    const created = await this.employees.create({
      tenantId: actor.tenantId,
      name: dto.name,
      email: dto.email,
      managerId,
      leave: { annual: balance(dto.leaveBalances.annual), sick: balance(dto.leaveBalances.sick) },
    });
    return EmployeeResponseDto.from(created);
  }

  /** One employee of the caller's tenant (404 for anyone else's). */
  async get(actor: AuthUser, id: string): Promise<EmployeeResponseDto> {
    const found = await this.employees.findOne({ tenantId: actor.tenantId, _id: new Types.ObjectId(id) });
    if (!found) throw new NotFoundError('Employee');
    return EmployeeResponseDto.from(found);
  }

  /** A page of employees, oldest first. */
  async list(actor: AuthUser, query: PageQueryDto): Promise<EmployeeListDto> {
    return mapPage(await this.employees.page({ tenantId: actor.tenantId }, pageWindow(query), { _id: 1 }), (e) => EmployeeResponseDto.from(e));
  }

  /**
   * Changes profile fields under If-Match (stale → 412). Absent fields stay; `managerId: null`
   * clears the manager. Balances cannot be changed here.
   */
  async update(actor: AuthUser, id: string, expectedVersion: number, dto: UpdateEmployeeDto): Promise<EmployeeResponseDto> {
    const set: Record<string, unknown> = {};
    if (dto.name !== undefined) set.name = dto.name;
    if (dto.email !== undefined) set.email = dto.email;
    if (dto.managerId === null) set.managerId = null;
    else if (dto.managerId !== undefined) {
      if (dto.managerId === id) throw new ValidationFailedError([{ field: 'managerId', message: 'an employee cannot be their own manager' }]);
      set.managerId = await this.requireManager(actor.tenantId, dto.managerId);
    }
    const updated = await this.employees.updateProfile({ tenantId: actor.tenantId, _id: new Types.ObjectId(id) }, expectedVersion, Object.keys(set).length ? { $set: set } : {});
    return EmployeeResponseDto.from(updated);
  }

  /**
   * Adds (or removes) entitlement days with an audit entry, in one transaction. The balance
   * change is one guarded `$inc` (removing more than is available → 409
   * `insufficient-balance`, nothing written), so it composes safely with concurrent leave
   * requests; the audit entry commits or rolls back with it.
   */
  @Transactional()
  async adjustLeave(actor: AuthUser, id: string, dto: AdjustLeaveDto): Promise<LeaveAdjustmentResponseDto> {
    const filter = { tenantId: actor.tenantId, _id: new Types.ObjectId(id) };
    const updated = await this.employees.moveBalance(filter, dto.type, { entitlement: dto.delta, available: dto.delta });
    if (!updated) {
      const current = await this.employees.findOne(filter);
      if (!current) throw new NotFoundError('Employee');
      throw new InsufficientBalanceError({ type: dto.type, requested: -dto.delta, available: current.leave[dto.type].available });
    }
    const entry = await this.adjustments.create({
      tenantId: actor.tenantId,
      employeeId: updated._id,
      type: dto.type,
      delta: dto.delta,
      reason: dto.reason,
      by: actor.userId,
      entitlementAfter: updated.leave[dto.type].entitlement,
      availableAfter: updated.leave[dto.type].available,
    });
    return LeaveAdjustmentResponseDto.from(entry);
  }

  /** The audit trail of an employee's entitlement adjustments, oldest first. */
  @Transactional()
  async listAdjustments(actor: AuthUser, id: string): Promise<LeaveAdjustmentResponseDto[]> {
    const employeeId = new Types.ObjectId(id);
    if (!(await this.employees.exists({ tenantId: actor.tenantId, _id: employeeId }))) throw new NotFoundError('Employee');
    const entries = await this.adjustments.list({ tenantId: actor.tenantId, employeeId }, MAX_ADJUSTMENTS_LISTED);
    return entries.map((a) => LeaveAdjustmentResponseDto.from(a));
  }

  private async requireManager(tenantId: string, managerId: string): Promise<Types.ObjectId> {
    const id = new Types.ObjectId(managerId);
    if (!(await this.employees.exists({ tenantId, _id: id }))) throw new NotFoundError('Manager', 'managerId does not name an employee of your tenant.');
    return id;
  }
}
