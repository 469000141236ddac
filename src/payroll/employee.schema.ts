import { Prop, raw, Schema, SchemaFactory } from '@nestjs/mongoose';
import { versionedPlugin } from '@app/concurrency';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';
import { wireFormatPlugin } from '../common/database/wire-format';

/** The kinds of leave an employee has a balance for. */
export const LEAVE_TYPES = ['annual', 'sick'] as const;
export type LeaveType = (typeof LEAVE_TYPES)[number];

/**
 * One leave balance, in whole working days. Invariant (checked by GET /payroll/consistency):
 * available = entitlement − reserved − consumed, and every term ≥ 0. `available` is stored,
 * not derived, so that a single guarded `$inc` (filter `available ≥ days`) can reserve days.
 */
@Schema({ _id: false })
export class LeaveBalance {
  /** Days granted (opening balance plus audited adjustments). */
  @Prop({ type: Number, required: true, min: 0 })
  entitlement: number;

  /** Days held by pending requests. */
  @Prop({ type: Number, required: true, min: 0 })
  reserved: number;

  /** Days of approved requests. */
  @Prop({ type: Number, required: true, min: 0 })
  consumed: number;

  /** Days that can still be requested. */
  @Prop({ type: Number, required: true, min: 0 })
  available: number;
}
const LeaveBalanceSchema = SchemaFactory.createForClass(LeaveBalance);

export const EMPLOYEE_MODEL = 'PayrollEmployee';

@Schema({ collection: 'payroll_employees', timestamps: true, versionKey: false })
export class Employee extends TenantOwned {
  _id: Types.ObjectId;

  @Prop({ type: String, required: true })
  name: string;

  /** Lower-cased; unique per tenant. */
  @Prop({ type: String, required: true })
  email: string;

  @Prop({ type: MongooseSchema.Types.ObjectId, default: null })
  managerId?: Types.ObjectId | null;

  @Prop(raw({ annual: { type: LeaveBalanceSchema, required: true }, sick: { type: LeaveBalanceSchema, required: true } }))
  leave: Record<LeaveType, LeaveBalance>;

  /** Added by versionedPlugin; the ETag. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const EmployeeSchema = SchemaFactory.createForClass(Employee);
EmployeeSchema.plugin(wireFormatPlugin);
EmployeeSchema.plugin(versionedPlugin);
EmployeeSchema.index({ tenantId: 1, email: 1 }, { unique: true });
// The dashboard groups teams by manager.
EmployeeSchema.index({ tenantId: 1, managerId: 1 });

/** Lower-case path of one balance field, for guarded `$inc` updates. */
export function balancePath(type: LeaveType, field: keyof LeaveBalance): `leave.${LeaveType}.${keyof LeaveBalance}` {
  return `leave.${type}.${field}`;
}
