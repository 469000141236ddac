import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { versionedPlugin } from '@app/concurrency';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { wireFormatPlugin } from '../common/database/wire-format';
import { Decided } from './decision.schema';

export const TIMESHEET_STATUSES = ['draft', 'submitted', 'approved', 'rejected'] as const;
export type TimesheetStatus = (typeof TIMESHEET_STATUSES)[number];

/** Hours worked on one day of the week. */
@Schema({ _id: false })
export class TimesheetEntry {
  /** ISO date. */
  @Prop({ type: String, required: true })
  date: string;

  @Prop({ type: Number, required: true, min: 0, max: 24 })
  hours: number;
}
const TimesheetEntrySchema = SchemaFactory.createForClass(TimesheetEntry);

export const TIMESHEET_MODEL = 'PayrollTimesheet';

@Schema({ collection: 'payroll_timesheets', timestamps: true, versionKey: false })
export class Timesheet extends Decided {
  _id: Types.ObjectId;

  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  employeeId: Types.ObjectId;

  /** ISO date of the Monday the week starts on. */
  @Prop({ type: String, required: true })
  periodStart: string;

  @Prop({ type: [TimesheetEntrySchema], default: [] })
  entries: TimesheetEntry[];

  @Prop({ type: Number, required: true, min: 0 })
  totalHours: number;

  @Prop({ type: String, required: true, enum: TIMESHEET_STATUSES, default: 'draft' })
  status: TimesheetStatus;

  /**
   * true exactly while the timesheet is submitted or approved: the partial unique index below
   * keys on it, so one employee has at most one such timesheet per period. (A boolean rather
   * than `status: { $in: [...] }` because partial indexes accept only simple predicates.)
   */
  @Prop({ type: Boolean, required: true, default: false })
  holdsPeriod: boolean;

  @Prop({ type: String, required: true })
  createdBy: string;

  @Prop({ type: String })
  submittedBy?: string;

  @Prop({ type: Date })
  submittedAt?: Date;

  /** Added by versionedPlugin; the ETag. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const TimesheetSchema = SchemaFactory.createForClass(Timesheet);
TimesheetSchema.plugin(wireFormatPlugin);
TimesheetSchema.plugin(versionedPlugin);
// At most one submitted-or-approved timesheet per employee and week, whatever races happen.
TimesheetSchema.index(
  { tenantId: 1, employeeId: 1, periodStart: 1 },
  { unique: true, name: 'one_submitted_timesheet_per_period', partialFilterExpression: { holdsPeriod: true } },
);
TimesheetSchema.index({ tenantId: 1, status: 1, periodStart: 1 });
