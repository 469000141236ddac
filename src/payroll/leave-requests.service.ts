import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '@app/problem-details';
import { InvalidStateError, Transactional } from '@app/concurrency';
import { Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import { pageWindow } from '../common/http/page-query.dto';
import { mapPage } from '../common/database/tenant-scoped.repository';
import { CreateLeaveRequestDto } from './dto/create-leave-request.dto';
import { LeaveRequestListDto, LeaveRequestResponseDto } from './dto/leave-request-response.dto';
import { ListLeaveRequestsQueryDto } from './dto/list-leave-requests.query.dto';
import { BalanceMove, EmployeeRepository } from './employee.repository';
import { LeaveType } from './employee.schema';
import { LeaveRequestRepository } from './leave-request.repository';
import { LeaveRequest } from './leave-request.schema';
import { daysBetween, workingDays, workingDaysByMonth } from './payroll-dates';
import { InsufficientBalanceError, OverlappingLeaveError } from './payroll.errors';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import { employeeRecordsFilter } from './employee-records-filter';

/** Longest leave request, in calendar days (to − from). */
export const MAX_LEAVE_SPAN_DAYS = 366;

/**
 * Leave requests. Every balance movement happens in the same transaction as the state change
 * that justifies it, so a request's days are reserved once, and given back or consumed once.
 */
@Injectable()
export class LeaveRequestsService {
  constructor(
    private readonly employees: EmployeeRepository,
    private readonly requests: LeaveRequestRepository,
  ) {}

  /**
   * Requests leave: validates the dates (400 before anything is written), then reserves the
   * working days and records the request in one transaction.
   */
  async create(actor: AuthUser, dto: CreateLeaveRequestDto): Promise<LeaveRequestResponseDto> {
    const span = daysBetween(dto.from, dto.to);
    if (span < 0) throw new ValidationFailedError([{ field: 'to', message: 'to must not be before from' }]);
    if (span > MAX_LEAVE_SPAN_DAYS) throw new ValidationFailedError([{ field: 'to', message: `a request spans at most ${MAX_LEAVE_SPAN_DAYS} days` }]);
    const days = workingDays(dto.from, dto.to);
    if (days === 0) throw new ValidationFailedError([{ field: 'to', message: 'the range contains no working day (Mon–Fri)' }]);
    if (dto.days !== undefined && dto.days !== days) {
      throw new ValidationFailedError([{ field: 'days', message: `the range contains ${days} working day(s), not ${dto.days}` }]);
    }
    return LeaveRequestResponseDto.from(await this.reserveAndRecord(actor, dto, days));
  }

  /**
   * The race-critical part. Overlap is a write-skew hazard: two requests of one employee
   * that each check "no overlapping request" and then insert would both pass. So the FIRST
   * write is the guarded decrement on the employee document: any two leave transactions of
   * one employee write that same document, the later one gets a write conflict and re-runs
   * after the first committed — and then its overlap read sees the first one's request.
   * Each failure throws, which aborts the transaction and returns the reserved days.
   */
  @Transactional()
  private async reserveAndRecord(actor: AuthUser, dto: CreateLeaveRequestDto, days: number) {
    const employeeId = new Types.ObjectId(dto.employeeId);
    const employeeFilter = { tenantId: actor.tenantId, _id: employeeId };
    const reserved = await this.employees.moveBalance(employeeFilter, dto.type, { available: -days, reserved: days });
    if (!reserved) {
      const current = await this.employees.findOne(employeeFilter);
      if (!current) throw new NotFoundError('Employee');
      throw new InsufficientBalanceError({ type: dto.type, requested: days, available: current.leave[dto.type].available });
    }
    const overlap = await this.requests.findLiveOverlap(actor.tenantId, employeeId, dto.from, dto.to);
    if (overlap) throw new OverlappingLeaveError({ conflictingRequestId: String(overlap._id), from: overlap.from, to: overlap.to });
    return this.requests.create({
      tenantId: actor.tenantId,
      employeeId,
      type: dto.type,
      from: dto.from,
      to: dto.to,
      days,
      daysByMonth: workingDaysByMonth(dto.from, dto.to),
      status: 'pending',
      requestedBy: actor.userId,
    });
  }

  /** One leave request of the caller's tenant. */
  async get(actor: AuthUser, id: string): Promise<LeaveRequestResponseDto> {
    const found = await this.requests.findOne({ tenantId: actor.tenantId, _id: new Types.ObjectId(id) });
    if (!found) throw new NotFoundError('Leave request');
    return LeaveRequestResponseDto.from(found);
  }

  /** A page of leave requests (optionally of one employee / status), oldest first. */
  async list(actor: AuthUser, query: ListLeaveRequestsQueryDto): Promise<LeaveRequestListDto> {
    const filter = employeeRecordsFilter<LeaveRequest>(actor.tenantId, query);
    return mapPage(await this.requests.page(filter, pageWindow(query), { _id: 1 }), (r) => LeaveRequestResponseDto.from(r));
  }

  /** pending → approved; the reserved days become consumed, exactly once. */
  @Transactional()
  async approve(actor: AuthUser, id: string): Promise<LeaveRequestResponseDto> {
    const request = await this.requests.transition(this.filterOf(actor, id), ['pending'], 'approved', { decidedBy: actor.userId, decidedAt: new Date() });
    await this.moveOrFail(actor.tenantId, request.employeeId, request.type, { reserved: -request.days, consumed: request.days });
    return LeaveRequestResponseDto.from(request);
  }

  /** pending → rejected; the reserved days become available again, exactly once. */
  @Transactional()
  async reject(actor: AuthUser, id: string, reason: string): Promise<LeaveRequestResponseDto> {
    const request = await this.requests.transition(this.filterOf(actor, id), ['pending'], 'rejected', { decidedBy: actor.userId, decidedAt: new Date(), reason });
    await this.moveOrFail(actor.tenantId, request.employeeId, request.type, { reserved: -request.days, available: request.days });
    return LeaveRequestResponseDto.from(request);
  }

  /**
   * pending or approved → cancelled; the days (reserved, or consumed if approved) become
   * available again, exactly once. The transition is guarded by the state read in this
   * transaction, so a concurrent approve or cancel makes this one fail, never double-count.
   */
  @Transactional()
  async cancel(actor: AuthUser, id: string): Promise<LeaveRequestResponseDto> {
    const filter = this.filterOf(actor, id);
    const current = await this.requests.findOne(filter);
    if (!current) throw new NotFoundError('Leave request');
    if (current.status !== 'pending' && current.status !== 'approved') {
      throw new InvalidStateError({ currentState: current.status, detail: `Cannot cancel a ${current.status} leave request.` });
    }
    const request = await this.requests.transition(filter, [current.status], 'cancelled', { decidedBy: actor.userId, decidedAt: new Date() });
    const held: keyof BalanceMove = current.status === 'pending' ? 'reserved' : 'consumed';
    await this.moveOrFail(actor.tenantId, request.employeeId, request.type, { [held]: -request.days, available: request.days });
    return LeaveRequestResponseDto.from(request);
  }

  private filterOf(actor: AuthUser, id: string): TenantFilter<LeaveRequest> {
    return { tenantId: actor.tenantId, _id: new Types.ObjectId(id) };
  }

  /** A balance movement that must succeed: if its guard fails the books were already wrong, so abort loudly (500, logged). */
  private async moveOrFail(tenantId: string, employeeId: Types.ObjectId, type: LeaveType, move: BalanceMove): Promise<void> {
    const moved = await this.employees.moveBalance({ tenantId, _id: employeeId }, type, move);
    if (!moved) throw new Error(`Leave balance invariant broken for employee ${String(employeeId)} (${type}): cannot apply ${JSON.stringify(move)}`);
  }
}
