import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { updateVersioned, VersionedDoc, withVersionBump } from '@app/concurrency';
import { Model, Types, UpdateQuery } from 'mongoose';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import { balancePath, EMPLOYEE_MODEL, Employee, LeaveBalance, LeaveType } from './employee.schema';

export type EmployeeRecord = VersionedDoc<Employee>;

/** A change to one leave balance: amounts to add per field (negative to subtract). */
export type BalanceMove = Partial<Record<keyof LeaveBalance, number>>;

/** One team as the dashboard sees it. */
export interface TeamRow {
  managerId: Types.ObjectId;
  teamSize: number;
  memberIds: Types.ObjectId[];
}

/** Employees: profile, manager link and leave balances. */
@Injectable()
export class EmployeeRepository extends TenantScopedRepository<Employee, EmployeeRecord> {
  constructor(@InjectModel(EMPLOYEE_MODEL) private readonly employees: Model<Employee>) {
    super(employees);
  }

  async create(doc: Omit<Employee, '_id' | 'version' | 'createdAt' | 'updatedAt'>): Promise<EmployeeRecord> {
    return this.insertOne(doc);
  }

  async exists(filter: TenantFilter<Employee>): Promise<boolean> {
    return (await this.employees.exists(filter).exec()) !== null;
  }

  /** Profile change under optimistic concurrency (If-Match). */
  updateProfile(filter: TenantFilter<Employee>, expectedVersion: number, update: UpdateQuery<Employee>): Promise<EmployeeRecord> {
    return updateVersioned(this.employees, { filter, expectedVersion, update, resource: 'Employee' });
  }

  /**
   * Moves days between the terms of one balance in ONE atomic update whose filter requires
   * every decremented term to cover its decrement (so no term ever goes negative, whatever
   * runs concurrently). Bumps the version (balances are part of the representation).
   * Returns null when the employee is missing or a guard failed.
   */
  moveBalance(filter: TenantFilter<Employee>, type: LeaveType, move: BalanceMove): Promise<EmployeeRecord | null> {
    const guard: Record<string, unknown> = {};
    const inc: Record<string, number> = {};
    for (const [field, amount] of Object.entries(move) as Array<[keyof LeaveBalance, number]>) {
      if (!amount) continue;
      inc[balancePath(type, field)] = amount;
      if (amount < 0) guard[balancePath(type, field)] = { $gte: -amount };
    }
    return this.employees
      .findOneAndUpdate({ ...filter, ...guard }, withVersionBump<Employee>({ $inc: inc }), { returnDocument: 'after' })
      .lean<EmployeeRecord>()
      .exec();
  }

  /** Teams by manager, from one aggregation (the dashboard joins the rest in memory by member id). */
  teams(tenantId: string): Promise<TeamRow[]> {
    return this.employees
      .aggregate<TeamRow>([
        { $match: { tenantId, managerId: { $ne: null } } },
        { $group: { _id: '$managerId', teamSize: { $sum: 1 }, memberIds: { $push: '$_id' } } },
        { $project: { _id: 0, managerId: '$_id', teamSize: 1, memberIds: 1 } },
        { $sort: { managerId: 1 } },
      ])
      .exec();
  }

  /** Names of the given employees (managers on the dashboard): one query, whatever the count. */
  names(tenantId: string, ids: Types.ObjectId[]): Promise<Array<{ _id: Types.ObjectId; name: string }>> {
    return this.employees.find({ tenantId, _id: { $in: ids } }).select({ name: 1 }).lean<Array<{ _id: Types.ObjectId; name: string }>>().exec();
  }

  /** Every employee's balances, for the consistency report (one query). */
  allBalances(tenantId: string): Promise<Array<Pick<EmployeeRecord, '_id' | 'leave'>>> {
    return this.employees.find({ tenantId }).select({ leave: 1 }).lean<Array<Pick<EmployeeRecord, '_id' | 'leave'>>>().exec();
  }
}
