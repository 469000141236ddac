import { Injectable } from '@nestjs/common';
import { FieldError, NotFoundError, ValidationFailedError } from '@app/problem-details';
import { Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import { pageWindow } from '../common/http/page-query.dto';
import { mapPage } from '../common/database/tenant-scoped.repository';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import { CreateTimesheetDto, TimesheetEntryDto } from './dto/create-timesheet.dto';
import { ListTimesheetsQueryDto } from './dto/list-timesheets.query.dto';
import { TimesheetListDto, TimesheetResponseDto } from './dto/timesheet-response.dto';
import { UpdateTimesheetDto } from './dto/update-timesheet.dto';
import { EmployeeRepository } from './employee.repository';
import { addDays, isMonday } from './payroll-dates';
import { TimesheetRepository } from './timesheet.repository';
import { Timesheet, TimesheetEntry } from './timesheet.schema';
import { employeeRecordsFilter } from './employee-records-filter';

/**
 * Weekly timesheets: draft → submitted → approved | rejected. Every step is one guarded
 * transition; "at most one submitted timesheet per employee and week" is a partial unique index.
 */
@Injectable()
export class TimesheetsService {
  constructor(
    private readonly employees: EmployeeRepository,
    private readonly timesheets: TimesheetRepository,
  ) {}

  /** Creates a draft for an employee of the caller's tenant (404 otherwise). Bad weeks or entries → 400. */
  async create(actor: AuthUser, dto: CreateTimesheetDto): Promise<TimesheetResponseDto> {
    const errors: FieldError[] = [];
    if (!isMonday(dto.periodStart)) errors.push({ field: 'periodStart', message: 'periodStart must be a Monday' });
    else errors.push(...entryErrors(dto.periodStart, dto.entries));
    if (errors.length) throw new ValidationFailedError(errors);
    const employeeId = new Types.ObjectId(dto.employeeId);
    // Employees are never deleted, so this check cannot be invalidated before the insert.
    if (!(await this.employees.exists({ tenantId: actor.tenantId, _id: employeeId }))) throw new NotFoundError('Employee');
    const entries = normalise(dto.entries);
    const created = await this.timesheets.create({
      tenantId: actor.tenantId,
      employeeId,
      periodStart: dto.periodStart,
      entries,
      totalHours: totalOf(entries),
      status: 'draft',
      holdsPeriod: false,
      createdBy: actor.userId,
    });
    return TimesheetResponseDto.from(created);
  }

  /** One timesheet of the caller's tenant. */
  async get(actor: AuthUser, id: string): Promise<TimesheetResponseDto> {
    const found = await this.timesheets.findOne(this.filterOf(actor, id));
    if (!found) throw new NotFoundError('Timesheet');
    return TimesheetResponseDto.from(found);
  }

  /**
   * Replaces the entries of a draft under If-Match: a draft → draft transition, so a stale
   * version is 412 and a timesheet no longer in draft is 409 `invalid-state`.
   */
  async update(actor: AuthUser, id: string, expectedVersion: number, dto: UpdateTimesheetDto): Promise<TimesheetResponseDto> {
    const filter = this.filterOf(actor, id);
    // periodStart never changes, so validating against the stored one is safe without a lock.
    const current = await this.timesheets.findOne(filter);
    if (!current) throw new NotFoundError('Timesheet');
    const errors = entryErrors(current.periodStart, dto.entries);
    if (errors.length) throw new ValidationFailedError(errors);
    const entries = normalise(dto.entries);
    const updated = await this.timesheets.transition(filter, { from: ['draft'], to: 'draft', set: { entries, totalHours: totalOf(entries) }, expectedVersion });
    return TimesheetResponseDto.from(updated);
  }

  /**
   * draft → submitted, once: of concurrent submits one wins, the rest get 409 `invalid-state`.
   * Another timesheet of the same employee and week already submitted → 409 `duplicate`
   * (partial unique index on holdsPeriod).
   */
  async submit(actor: AuthUser, id: string): Promise<TimesheetResponseDto> {
    const updated = await this.timesheets.transition(this.filterOf(actor, id), {
      from: ['draft'],
      to: 'submitted',
      set: { holdsPeriod: true, submittedBy: actor.userId, submittedAt: new Date() },
    });
    return TimesheetResponseDto.from(updated);
  }

  /** submitted → approved under If-Match: of racing approvers exactly one wins (others 412/409). */
  async approve(actor: AuthUser, id: string, expectedVersion: number): Promise<TimesheetResponseDto> {
    const updated = await this.timesheets.transition(this.filterOf(actor, id), {
      from: ['submitted'],
      to: 'approved',
      set: { decidedBy: actor.userId, decidedAt: new Date() },
      expectedVersion,
    });
    return TimesheetResponseDto.from(updated);
  }

  /** submitted → rejected under If-Match; frees the week for another submission. */
  async reject(actor: AuthUser, id: string, expectedVersion: number, reason: string): Promise<TimesheetResponseDto> {
    const updated = await this.timesheets.transition(this.filterOf(actor, id), {
      from: ['submitted'],
      to: 'rejected',
      set: { holdsPeriod: false, decidedBy: actor.userId, decidedAt: new Date(), reason },
      expectedVersion,
    });
    return TimesheetResponseDto.from(updated);
  }

  /** A page of timesheets, oldest first. */
  async list(actor: AuthUser, query: ListTimesheetsQueryDto): Promise<TimesheetListDto> {
    const filter = employeeRecordsFilter<Timesheet>(actor.tenantId, query);
    if (query.periodStart) filter.periodStart = query.periodStart;
    return mapPage(await this.timesheets.page(filter, pageWindow(query), { _id: 1 }), (t) => TimesheetResponseDto.from(t));
  }

  private filterOf(actor: AuthUser, id: string): TenantFilter<Timesheet> {
    return { tenantId: actor.tenantId, _id: new Types.ObjectId(id) };
  }
}

/** Entries must fall in the week starting at `periodStart`, one per day. */
export function entryErrors(periodStart: string, entries: TimesheetEntryDto[]): FieldError[] {
  const last = addDays(periodStart, 6);
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  entries.forEach((e, i) => {
    if (e.date < periodStart || e.date > last) errors.push({ field: `entries.${i}.date`, message: `date must be within ${periodStart}..${last}` });
    else if (seen.has(e.date)) errors.push({ field: `entries.${i}.date`, message: 'one entry per day' });
    seen.add(e.date);
  });
  return errors;
}

function normalise(entries: TimesheetEntryDto[]): TimesheetEntry[] {
  return entries.map((e) => ({ date: e.date, hours: e.hours })).sort((a, b) => a.date.localeCompare(b.date));
}

/** Exact: hours are multiples of 0.25, which binary floating point represents exactly. */
export function totalOf(entries: TimesheetEntry[]): number {
  return entries.reduce((sum, e) => sum + e.hours, 0);
}
