import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import { LEAVE_ADJUSTMENT_MODEL, LeaveAdjustmentDoc } from './leave-adjustment.schema';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';

/** The append-only audit trail of manual leave-entitlement changes. */
@Injectable()
export class LeaveAdjustmentRepository extends TenantScopedRepository<LeaveAdjustmentDoc> {
  constructor(@InjectModel(LEAVE_ADJUSTMENT_MODEL) private readonly adjustments: Model<LeaveAdjustmentDoc>) {
    super(adjustments);
  }

  async create(doc: Omit<LeaveAdjustmentDoc, '_id' | 'createdAt'>): Promise<LeaveAdjustmentDoc> {
    return this.insertOne(doc);
  }

  list(filter: TenantFilter<LeaveAdjustmentDoc>, limit: number): Promise<LeaveAdjustmentDoc[]> {
    return this.adjustments.find(filter).sort({ createdAt: 1, _id: 1 }).limit(limit).lean<LeaveAdjustmentDoc[]>().exec();
  }
}
