import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { TenantFilter } from '../../src/common/tenancy/tenant-filter';
import { Allocation, AllocationRecord } from '../../src/inventory/allocation.schema';
import { Item, ItemRecord } from '../../src/inventory/item.schema';
import { Movement } from '../../src/inventory/movement.schema';

/**
 * DELIBERATELY UNSAFE — bench and race-test demonstration only, never part of the app's build.
 * Blind writes with no guard and no transaction, so the bench can measure what the guarded
 * path costs and the race suite can show what it prevents. Uses the models InventoryModule
 * registered on the connection (the same collections, schemas and indexes).
 */
@Injectable()
export class NaiveStockRepository {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  private model<T>(name: string): Model<T> {
    return this.connection.model<T>(name);
  }

  findItem(filter: TenantFilter<Item>): Promise<ItemRecord | null> {
    return this.model<Item>(Item.name).findOne(filter).lean<ItemRecord>().exec();
  }

  /** UNSAFE: overwrites the quantities computed from an earlier read (lost update). */
  async overwriteQuantities(filter: TenantFilter<Item>, quantityAllocated: number, quantityAvailable: number): Promise<void> {
    await this.model<Item>(Item.name).updateOne(filter, { $set: { quantityAllocated, quantityAvailable } }).exec();
  }

  async insertAllocation(allocation: Allocation): Promise<AllocationRecord> {
    const created = await this.model<Allocation>(Allocation.name).create(allocation);
    return created.toObject() as unknown as AllocationRecord;
  }

  async appendMovement(movement: Movement): Promise<void> {
    await this.model<Movement>(Movement.name).create(movement);
  }
}
