import { versionedPlugin } from '@app/concurrency';
import { Schema, Types } from 'mongoose';
import type { TenantOwned } from '../common/tenancy/tenant-filter';
import { wireFormatPlugin } from '../common/database/wire-format';

export const TIMESHEET_STATUSES = ['draft', 'submitted', 'approved', 'rejected'] as const;
export type TimesheetStatus = (typeof TIMESHEET_STATUSES)[number];

export interface TimesheetEntry {
  date: string;
  hours: number;
}

export interface TimesheetDoc extends TenantOwned {
  _id: Types.ObjectId;
  employeeId: Types.ObjectId;
  /** ISO date of the Monday the week starts on. */
  periodStart: string;
  entries: TimesheetEntry[];
  totalHours: number;
  status: TimesheetStatus;
  /**
   * true exactly while the timesheet is submitted or approved: the partial unique index below
   * keys on it, so one employee has at most one such timesheet per period. (A boolean rather
   * than `status: { $in: [...] }` because partial indexes accept only simple predicates.)
   */
  holdsPeriod: boolean;
  createdBy: string;
  submittedBy?: string;
  submittedAt?: Date;
  decidedBy?: string;
  decidedAt?: Date;
  reason?: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const TIMESHEET_MODEL = 'PayrollTimesheet';

export const TimesheetSchema = new Schema<TimesheetDoc>(
  {
    employeeId: { type: Schema.Types.ObjectId, required: true },
    periodStart: { type: String, required: true },
    entries: { type: [{ _id: false, date: { type: String, required: true }, hours: { type: Number, required: true, min: 0, max: 24 } }], default: [] },
    totalHours: { type: Number, required: true, min: 0 },
    status: { type: String, required: true, enum: TIMESHEET_STATUSES, default: 'draft' },
    holdsPeriod: { type: Boolean, required: true, default: false },
    createdBy: { type: String, required: true },
    submittedBy: String,
    submittedAt: Date,
    decidedBy: String,
    decidedAt: Date,
    reason: String,
  },
  { collection: 'payroll_timesheets', timestamps: true, versionKey: false },
);
TimesheetSchema.plugin(wireFormatPlugin);
TimesheetSchema.plugin(versionedPlugin);
// At most one submitted-or-approved timesheet per employee and week, whatever races happen.
TimesheetSchema.index(
  { tenantId: 1, employeeId: 1, periodStart: 1 },
  { unique: true, name: 'one_submitted_timesheet_per_period', partialFilterExpression: { holdsPeriod: true } },
);
TimesheetSchema.index({ tenantId: 1, status: 1, periodStart: 1 });
