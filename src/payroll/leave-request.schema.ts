import { versionedPlugin } from '@app/concurrency';
import { Schema, Types } from 'mongoose';
import type { TenantOwned } from '../common/tenancy/tenant-filter';
import { wireFormatPlugin } from '../common/database/wire-format';
import { LEAVE_TYPES, LeaveType } from './employee.schema';

export const LEAVE_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export type LeaveStatus = (typeof LEAVE_STATUSES)[number];
/** Statuses that hold days and block overlapping requests. */
export const LIVE_LEAVE_STATUSES: readonly LeaveStatus[] = ['pending', 'approved'];

export interface LeaveRequestDoc extends TenantOwned {
  _id: Types.ObjectId;
  employeeId: Types.ObjectId;
  type: LeaveType;
  /** ISO dates, inclusive. */
  from: string;
  to: string;
  /** Working days in [from, to]. */
  days: number;
  /** The same days split by calendar month, so the dashboard can sum a month in a pipeline. */
  daysByMonth: Array<{ month: string; days: number }>;
  status: LeaveStatus;
  requestedBy: string;
  decidedBy?: string;
  decidedAt?: Date;
  reason?: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const LEAVE_REQUEST_MODEL = 'PayrollLeaveRequest';

export const LeaveRequestSchema = new Schema<LeaveRequestDoc>(
  {
    employeeId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, required: true, enum: LEAVE_TYPES },
    from: { type: String, required: true },
    to: { type: String, required: true },
    days: { type: Number, required: true, min: 1 },
    daysByMonth: { type: [{ _id: false, month: { type: String, required: true }, days: { type: Number, required: true } }], default: [] },
    status: { type: String, required: true, enum: LEAVE_STATUSES, default: 'pending' },
    requestedBy: { type: String, required: true },
    decidedBy: String,
    decidedAt: Date,
    reason: String,
  },
  { collection: 'payroll_leave_requests', timestamps: true, versionKey: false },
);
LeaveRequestSchema.plugin(wireFormatPlugin);
LeaveRequestSchema.plugin(versionedPlugin);
// The overlap check reads an employee's live requests by date.
LeaveRequestSchema.index({ tenantId: 1, employeeId: 1, status: 1, from: 1 });
LeaveRequestSchema.index({ tenantId: 1, status: 1, to: 1 });
