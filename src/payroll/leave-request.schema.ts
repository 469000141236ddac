import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { versionedPlugin } from '@app/concurrency';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { wireFormatPlugin } from '../common/database/wire-format';
import { Decided } from './decision.schema';
import { LEAVE_TYPES, LeaveType } from './employee.schema';

export const LEAVE_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export type LeaveStatus = (typeof LEAVE_STATUSES)[number];
/** Statuses that hold days and block overlapping requests. */
export const LIVE_LEAVE_STATUSES: readonly LeaveStatus[] = ['pending', 'approved'];

/** Working days of a request that fall in one calendar month. */
@Schema({ _id: false })
export class MonthDays {
  /** `YYYY-MM`. */
  @Prop({ type: String, required: true })
  month: string;

  @Prop({ type: Number, required: true })
  days: number;
}
const MonthDaysSchema = SchemaFactory.createForClass(MonthDays);

export const LEAVE_REQUEST_MODEL = 'PayrollLeaveRequest';

@Schema({ collection: 'payroll_leave_requests', timestamps: true, versionKey: false })
export class LeaveRequest extends Decided {
  _id: Types.ObjectId;

  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  employeeId: Types.ObjectId;

  @Prop({ type: String, required: true, enum: LEAVE_TYPES })
  type: LeaveType;

  /** ISO dates, inclusive. */
  @Prop({ type: String, required: true })
  from: string;

  @Prop({ type: String, required: true })
  to: string;

  /** Working days in [from, to]. */
  @Prop({ type: Number, required: true, min: 1 })
  days: number;

  /** The same days split by calendar month, so the dashboard can sum a month in a pipeline. */
  @Prop({ type: [MonthDaysSchema], default: [] })
  daysByMonth: MonthDays[];

  @Prop({ type: String, required: true, enum: LEAVE_STATUSES, default: 'pending' })
  status: LeaveStatus;

  @Prop({ type: String, required: true })
  requestedBy: string;

  /** Added by versionedPlugin; the ETag. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const LeaveRequestSchema = SchemaFactory.createForClass(LeaveRequest);
LeaveRequestSchema.plugin(wireFormatPlugin);
LeaveRequestSchema.plugin(versionedPlugin);
// The overlap check reads an employee's live requests by date.
LeaveRequestSchema.index({ tenantId: 1, employeeId: 1, status: 1, from: 1 });
LeaveRequestSchema.index({ tenantId: 1, status: 1, to: 1 });
