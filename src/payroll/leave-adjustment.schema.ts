import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';
import { wireFormatPlugin } from '../common/database/wire-format';
import { LEAVE_TYPES, LeaveType } from './employee.schema';

export const LEAVE_ADJUSTMENT_MODEL = 'PayrollLeaveAdjustment';

/** Audit entry of a manual change to an employee's leave entitlement (append-only). */
@Schema({ collection: 'payroll_leave_adjustments', timestamps: { createdAt: true, updatedAt: false }, versionKey: false })
export class LeaveAdjustment extends TenantOwned {
  _id: Types.ObjectId;

  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  employeeId: Types.ObjectId;

  @Prop({ type: String, required: true, enum: LEAVE_TYPES })
  type: LeaveType;

  /** Days added (positive) or removed (negative). */
  @Prop({ type: Number, required: true })
  delta: number;

  @Prop({ type: String, required: true })
  reason: string;

  @Prop({ type: String, required: true })
  by: string;

  /** Balance after the change, as written in the same transaction. */
  @Prop({ type: Number, required: true })
  entitlementAfter: number;

  @Prop({ type: Number, required: true })
  availableAfter: number;

  createdAt: Date;
}

export const LeaveAdjustmentSchema = SchemaFactory.createForClass(LeaveAdjustment);
LeaveAdjustmentSchema.plugin(wireFormatPlugin);
LeaveAdjustmentSchema.index({ tenantId: 1, employeeId: 1, createdAt: 1 });
