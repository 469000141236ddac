import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { transition, VersionedDoc } from '@app/concurrency';
import { Model, Types } from 'mongoose';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import { TIMESHEET_MODEL, Timesheet, TimesheetStatus } from './timesheet.schema';

export type TimesheetRecord = VersionedDoc<Timesheet>;

/** Per employee, from one aggregation for the dashboard. */
export interface TimesheetMonthRow {
  employeeId: Types.ObjectId;
  submittedHours: number;
  approvedHours: number;
}

/** Per employee, pending timesheets touching the month. */
export interface PendingTimesheetRow {
  employeeId: Types.ObjectId;
  pending: number;
}

/** Timesheets: drafts, guarded workflow transitions, report queries. */
@Injectable()
export class TimesheetRepository extends TenantScopedRepository<Timesheet, TimesheetRecord> {
  constructor(@InjectModel(TIMESHEET_MODEL) private readonly timesheets: Model<Timesheet>) {
    super(timesheets);
  }

  async create(doc: Omit<Timesheet, '_id' | 'version' | 'createdAt' | 'updatedAt'>): Promise<TimesheetRecord> {
    return this.insertOne(doc);
  }

  /**
   * Guarded status change (also used draft → draft for edits): one atomic update whose filter
   * requires the state and, when given, the If-Match version. Losers get 409 / 412.
   */
  transition(
    filter: TenantFilter<Timesheet>,
    options: { from: readonly TimesheetStatus[]; to: TimesheetStatus; set?: Partial<Timesheet>; expectedVersion?: number },
  ): Promise<TimesheetRecord> {
    return transition<Timesheet, TimesheetStatus>(this.timesheets, { filter, ...options, set: options.set as Record<string, unknown> | undefined, resource: 'Timesheet' });
  }

  /** Submitted and approved hours dated in [first, last], per employee (one aggregation). */
  monthHours(tenantId: string, weekFrom: string, first: string, last: string): Promise<TimesheetMonthRow[]> {
    return this.timesheets
      .aggregate<TimesheetMonthRow>([
        { $match: { tenantId, status: { $in: ['submitted', 'approved'] }, periodStart: { $gte: weekFrom, $lte: last } } },
        { $unwind: '$entries' },
        { $match: { 'entries.date': { $gte: first, $lte: last } } },
        {
          $group: {
            _id: '$employeeId',
            submittedHours: { $sum: { $cond: [{ $eq: ['$status', 'submitted'] }, '$entries.hours', 0] } },
            approvedHours: { $sum: { $cond: [{ $eq: ['$status', 'approved'] }, '$entries.hours', 0] } },
          },
        },
        { $project: { _id: 0, employeeId: '$_id', submittedHours: 1, approvedHours: 1 } },
      ])
      .exec();
  }

  /** Submitted (awaiting decision) timesheets whose week touches [weekFrom, last], per employee. */
  pendingInMonth(tenantId: string, weekFrom: string, last: string): Promise<PendingTimesheetRow[]> {
    return this.timesheets
      .aggregate<PendingTimesheetRow>([
        { $match: { tenantId, status: 'submitted', periodStart: { $gte: weekFrom, $lte: last } } },
        { $group: { _id: '$employeeId', pending: { $sum: 1 } } },
        { $project: { _id: 0, employeeId: '$_id', pending: 1 } },
      ])
      .exec();
  }

  /** (employee, period) pairs holding more than one submitted/approved timesheet: must be none. */
  duplicatePeriods(tenantId: string): Promise<Array<{ employeeId: Types.ObjectId; periodStart: string; count: number }>> {
    return this.timesheets
      .aggregate<{ employeeId: Types.ObjectId; periodStart: string; count: number }>([
        { $match: { tenantId, status: { $in: ['submitted', 'approved'] } } },
        { $group: { _id: { employeeId: '$employeeId', periodStart: '$periodStart' }, count: { $sum: 1 } } },
        { $match: { count: { $gt: 1 } } },
        { $project: { _id: 0, employeeId: '$_id.employeeId', periodStart: '$_id.periodStart', count: 1 } },
      ])
      .exec();
  }
}
