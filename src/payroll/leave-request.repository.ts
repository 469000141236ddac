import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { transition, VersionedDoc } from '@app/concurrency';
import { Model, Types } from 'mongoose';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import { LEAVE_REQUEST_MODEL, LeaveRequest, LeaveStatus, LIVE_LEAVE_STATUSES } from './leave-request.schema';

export type LeaveRequestRecord = VersionedDoc<LeaveRequest>;

/** Per employee, from one aggregation for the dashboard. */
export interface LeaveMonthRow {
  employeeId: Types.ObjectId;
  /** Working days of approved leave that fall in the month. */
  daysTaken: number;
  /** Pending requests touching the month. */
  pending: number;
}

/** Days per employee, type and status, for the consistency report. */
export interface LeaveTotalsRow {
  employeeId: Types.ObjectId;
  type: string;
  status: LeaveStatus;
  days: number;
}

/** Leave requests: creation, guarded state transitions, and the report queries. */
@Injectable()
export class LeaveRequestRepository extends TenantScopedRepository<LeaveRequest, LeaveRequestRecord> {
  constructor(@InjectModel(LEAVE_REQUEST_MODEL) private readonly requests: Model<LeaveRequest>) {
    super(requests);
  }

  async create(doc: Omit<LeaveRequest, '_id' | 'version' | 'createdAt' | 'updatedAt'>): Promise<LeaveRequestRecord> {
    return this.insertOne(doc);
  }

  /** One live (pending/approved) request of the employee intersecting [from, to], if any. */
  findLiveOverlap(tenantId: string, employeeId: Types.ObjectId, from: string, to: string): Promise<LeaveRequestRecord | null> {
    return this.requests
      .findOne({ tenantId, employeeId, status: { $in: [...LIVE_LEAVE_STATUSES] }, from: { $lte: to }, to: { $gte: from } })
      .lean<LeaveRequestRecord>()
      .exec();
  }

  /** Guarded status change: exactly one of racing callers wins; the others get 409 invalid-state. */
  transition(
    filter: TenantFilter<LeaveRequest>,
    from: readonly LeaveStatus[],
    to: LeaveStatus,
    set: Partial<Pick<LeaveRequest, 'decidedBy' | 'decidedAt' | 'reason'>>,
  ): Promise<LeaveRequestRecord> {
    return transition<LeaveRequest, LeaveStatus>(this.requests, { filter, from, to, set, resource: 'Leave request' });
  }

  /** Approved days in the month and pending requests touching it, per employee (one aggregation). */
  monthSummary(tenantId: string, month: string, first: string, last: string): Promise<LeaveMonthRow[]> {
    return this.requests
      .aggregate<LeaveMonthRow>([
        { $match: { tenantId, status: { $in: [...LIVE_LEAVE_STATUSES] }, from: { $lte: last }, to: { $gte: first } } },
        { $unwind: '$daysByMonth' },
        { $match: { 'daysByMonth.month': month } },
        {
          $group: {
            _id: '$employeeId',
            daysTaken: { $sum: { $cond: [{ $eq: ['$status', 'approved'] }, '$daysByMonth.days', 0] } },
            pending: { $sum: { $cond: [{ $eq: ['$status', 'pending'] }, 1, 0] } },
          },
        },
        { $project: { _id: 0, employeeId: '$_id', daysTaken: 1, pending: 1 } },
      ])
      .exec();
  }

  /** Sum of days per employee, type and live status (the consistency report's ledger). */
  liveTotals(tenantId: string): Promise<LeaveTotalsRow[]> {
    return this.requests
      .aggregate<LeaveTotalsRow>([
        { $match: { tenantId, status: { $in: [...LIVE_LEAVE_STATUSES] } } },
        { $group: { _id: { employeeId: '$employeeId', type: '$type', status: '$status' }, days: { $sum: '$days' } } },
        { $project: { _id: 0, employeeId: '$_id.employeeId', type: '$_id.type', status: '$_id.status', days: 1 } },
      ])
      .exec();
  }

  /** Live requests ordered by employee and start date, for the overlap sweep of the consistency report. */
  liveByEmployee(tenantId: string): Promise<Array<Pick<LeaveRequestRecord, '_id' | 'employeeId' | 'from' | 'to'>>> {
    return this.requests
      .find({ tenantId, status: { $in: [...LIVE_LEAVE_STATUSES] } })
      .select({ employeeId: 1, from: 1, to: 1 })
      .sort({ employeeId: 1, from: 1 })
      .lean<Array<Pick<LeaveRequestRecord, '_id' | 'employeeId' | 'from' | 'to'>>>()
      .exec();
  }
}
