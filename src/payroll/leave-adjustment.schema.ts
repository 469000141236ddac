import { Schema, Types } from 'mongoose';
import type { TenantOwned } from '../common/tenancy/tenant-filter';
import { wireFormatPlugin } from '../common/database/wire-format';
import { LEAVE_TYPES, LeaveType } from './employee.schema';

/** Audit entry of a manual change to an employee's leave entitlement (append-only). */
export interface LeaveAdjustmentDoc extends TenantOwned {
  _id: Types.ObjectId;
  employeeId: Types.ObjectId;
  type: LeaveType;
  /** Days added (positive) or removed (negative). */
  delta: number;
  reason: string;
  by: string;
  /** Balance after the change, as written in the same transaction. */
  entitlementAfter: number;
  availableAfter: number;
  createdAt: Date;
}

export const LEAVE_ADJUSTMENT_MODEL = 'PayrollLeaveAdjustment';

export const LeaveAdjustmentSchema = new Schema<LeaveAdjustmentDoc>(
  {
    employeeId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, required: true, enum: LEAVE_TYPES },
    delta: { type: Number, required: true },
    reason: { type: String, required: true },
    by: { type: String, required: true },
    entitlementAfter: { type: Number, required: true },
    availableAfter: { type: Number, required: true },
  },
  { collection: 'payroll_leave_adjustments', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
LeaveAdjustmentSchema.plugin(wireFormatPlugin);
LeaveAdjustmentSchema.index({ tenantId: 1, employeeId: 1, createdAt: 1 });
