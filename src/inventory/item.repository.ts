import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { updateVersioned, withVersionBump } from '@app/concurrency';
import type { Model, QueryFilter, UpdateQuery } from 'mongoose';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import { Item, ItemRecord } from './item.schema';

/** A signed change of an item's quantities; `onHand` = `allocated` + `available` must keep holding. */
export interface StockDelta {
  onHand: number;
  allocated: number;
  available: number;
}

/** The only place that talks to the items collection. */
@Injectable()
export class ItemRepository extends TenantScopedRepository<Item, ItemRecord> {
  constructor(@InjectModel(Item.name) private readonly items: Model<Item>) {
    super(items);
  }

  async insert(item: Omit<Item, 'version'>): Promise<ItemRecord> {
    return this.insertOne(item);
  }

  /** Descriptive fields under If-Match: 404 / 412 are decided by updateVersioned. */
  updateDetails(filter: TenantFilter<Item>, expectedVersion: number, set: Partial<Pick<Item, 'name' | 'unit'>>): Promise<ItemRecord> {
    return updateVersioned(this.items, { filter, expectedVersion, update: { $set: set }, resource: 'Item' }) as Promise<ItemRecord>;
  }

  /**
   * Applies a quantity change as ONE atomic update whose filter is the guard: every quantity
   * that decreases must still be at least the decrease, so no interleaving of requests can
   * drive either quantity below zero. Returns the item after the change, or null when the item
   * is missing or the guard failed (the caller decides which with one read).
   */
  adjustQuantities(filter: TenantFilter<Item>, delta: StockDelta): Promise<ItemRecord | null> {
    const guard: QueryFilter<Item> = {};
    if (delta.onHand < 0) guard.quantityOnHand = { $gte: -delta.onHand };
    if (delta.allocated < 0) guard.quantityAllocated = { $gte: -delta.allocated };
    if (delta.available < 0) guard.quantityAvailable = { $gte: -delta.available };
    const update: UpdateQuery<Item> = {
      $inc: { quantityOnHand: delta.onHand, quantityAllocated: delta.allocated, quantityAvailable: delta.available },
    };
    return this.items
      .findOneAndUpdate({ ...filter, ...guard }, withVersionBump(update), { returnDocument: 'after' })
      .lean<ItemRecord>()
      .exec();
  }

  /** Every item's quantities, for the consistency check (projection keeps it small). */
  quantities(filter: TenantFilter<Item>): Promise<Array<Pick<ItemRecord, '_id' | 'sku' | 'quantityOnHand' | 'quantityAllocated' | 'quantityAvailable'>>> {
    return this.items
      .find(filter)
      .select({ sku: 1, quantityOnHand: 1, quantityAllocated: 1, quantityAvailable: 1 })
      .sort({ _id: 1 })
      .lean<ItemRecord[]>()
      .exec();
  }
}
