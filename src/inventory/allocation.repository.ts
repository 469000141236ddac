import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { transition } from '@app/concurrency';
import type { Model, Types } from 'mongoose';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import { Allocation, AllocationRecord, AllocationStatus } from './allocation.schema';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';

/** The only place that talks to the allocations collection. */
@Injectable()
export class AllocationRepository extends TenantScopedRepository<Allocation, AllocationRecord> {
  constructor(@InjectModel(Allocation.name) private readonly allocations: Model<Allocation>) {
    super(allocations);
  }

  async insert(allocation: Allocation): Promise<AllocationRecord> {
    return this.insertOne(allocation);
  }

  /** Several allocations in one command (a group-commit batch), in order. */
  insertMany(allocations: Allocation[]): Promise<AllocationRecord[]> {
    return this.insertAll(allocations);
  }


  /** open → released as one guarded update: of concurrent releases exactly one matches; the rest get 409 `invalid-state`. */
  async release(filter: TenantFilter<Allocation>): Promise<AllocationRecord> {
    const released = await transition<Allocation, AllocationStatus>(this.allocations, {
      filter,
      from: ['open'],
      to: 'released',
      set: { releasedAt: new Date() },
      resource: 'Allocation',
    });
    return released as unknown as AllocationRecord;
  }

  /** Σ quantity of open allocations per item of one tenant. */
  async openTotalsByItem(tenantId: string): Promise<Map<string, number>> {
    const rows = await this.allocations
      .aggregate<{ _id: Types.ObjectId; total: number }>([
        { $match: { tenantId, status: 'open' } },
        { $group: { _id: '$itemId', total: { $sum: '$quantity' } } },
      ])
      .exec();
    return new Map(rows.map((r) => [r._id.toHexString(), r.total]));
  }
}
