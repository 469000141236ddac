import { versionedPlugin } from '@app/concurrency';
import { Schema, Types } from 'mongoose';
import type { TenantOwned } from '../common/tenancy/tenant-filter';
import { wireFormatPlugin } from '../common/database/wire-format';

/** The kinds of leave an employee has a balance for. */
export const LEAVE_TYPES = ['annual', 'sick'] as const;
export type LeaveType = (typeof LEAVE_TYPES)[number];

/**
 * One leave balance, in whole working days. Invariant (checked by GET /payroll/consistency):
 * available = entitlement − reserved − consumed, and every term ≥ 0. `available` is stored,
 * not derived, so that a single guarded `$inc` (filter `available ≥ days`) can reserve days.
 */
export interface LeaveBalance {
  /** Days granted (opening balance plus audited adjustments). */
  entitlement: number;
  /** Days held by pending requests. */
  reserved: number;
  /** Days of approved requests. */
  consumed: number;
  /** Days that can still be requested. */
  available: number;
}

export interface EmployeeDoc extends TenantOwned {
  _id: Types.ObjectId;
  name: string;
  /** Lower-cased; unique per tenant. */
  email: string;
  managerId?: Types.ObjectId | null;
  leave: Record<LeaveType, LeaveBalance>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const EMPLOYEE_MODEL = 'PayrollEmployee';

const BalanceSchema = new Schema<LeaveBalance>(
  {
    entitlement: { type: Number, required: true, min: 0 },
    reserved: { type: Number, required: true, min: 0 },
    consumed: { type: Number, required: true, min: 0 },
    available: { type: Number, required: true, min: 0 },
  },
  { _id: false },
);

export const EmployeeSchema = new Schema<EmployeeDoc>(
  {
    name: { type: String, required: true },
    email: { type: String, required: true },
    managerId: { type: Schema.Types.ObjectId, default: null },
    leave: {
      annual: { type: BalanceSchema, required: true },
      sick: { type: BalanceSchema, required: true },
    },
  },
  { collection: 'payroll_employees', timestamps: true, versionKey: false },
);
EmployeeSchema.plugin(wireFormatPlugin);
EmployeeSchema.plugin(versionedPlugin);
EmployeeSchema.index({ tenantId: 1, email: 1 }, { unique: true });
// The dashboard groups teams by manager.
EmployeeSchema.index({ tenantId: 1, managerId: 1 });

/** Lower-case path of one balance field, for guarded `$inc` updates. */
export function balancePath(type: LeaveType, field: keyof LeaveBalance): `leave.${LeaveType}.${keyof LeaveBalance}` {
  return `leave.${type}.${field}`;
}
