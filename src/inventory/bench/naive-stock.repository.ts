import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { TenantFilter } from '../../common/tenancy/tenant-filter';
import { Allocation, AllocationRecord } from '../allocation.schema';
import { Item, ItemRecord } from '../item.schema';
import { Movement } from '../movement.schema';

/**
 * DELIBERATELY UNSAFE — bench only (BENCH_ROUTES=1, never production). Blind writes with no
 * guard and no transaction, so the bench can measure what the guarded path costs and the
 * race suite can show what it prevents. Never import this outside src/inventory/bench.
 */
@Injectable()
export class NaiveStockRepository {
  constructor(
    @InjectModel(Item.name) private readonly items: Model<Item>,
    @InjectModel(Movement.name) private readonly movements: Model<Movement>,
    @InjectModel(Allocation.name) private readonly allocations: Model<Allocation>,
  ) {}

  findItem(filter: TenantFilter<Item>): Promise<ItemRecord | null> {
    return this.items.findOne(filter).lean<ItemRecord>().exec();
  }

  /** UNSAFE: overwrites the quantities computed from an earlier read (lost update). */
  async overwriteQuantities(filter: TenantFilter<Item>, quantityAllocated: number, quantityAvailable: number): Promise<void> {
    await this.items.updateOne(filter, { $set: { quantityAllocated, quantityAvailable } }).exec();
  }

  async insertAllocation(allocation: Allocation): Promise<AllocationRecord> {
    const created = await this.allocations.create(allocation);
    return created.toObject() as unknown as AllocationRecord;
  }

  async appendMovement(movement: Movement): Promise<void> {
    await this.movements.create(movement);
  }
}
