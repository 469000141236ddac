import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { versionedPlugin } from '@app/concurrency';
import type { HydratedDocument, Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';

/**
 * A stock item. `quantityOnHand` is the physical stock; `quantityAllocated` the part of it
 * reserved by open allocations; `quantityAvailable` the rest, what can still be allocated
 * (on hand − allocated). All three change together in one guarded `$inc`, and the available
 * quantity only ever changes together with a movement (Σ movements = quantityAvailable ≥ 0).
 */
@Schema({ collection: 'inventory_items', timestamps: true, versionKey: false })
export class Item extends TenantOwned {
  @Prop({ required: true, immutable: true })
  sku: string;

  @Prop({ required: true })
  name: string;

  @Prop({ required: true, default: 'pcs' })
  unit: string;

  @Prop({ required: true, min: 0 })
  quantityOnHand: number;

  @Prop({ required: true, min: 0, default: 0 })
  quantityAllocated: number;

  @Prop({ required: true, min: 0 })
  quantityAvailable: number;

  /** Integer version (ETag); set and bumped by the toolkit's versionedPlugin. */
  version: number;
}

export type ItemDocument = HydratedDocument<Item>;
/** A lean item as repositories return it. */
export type ItemRecord = Item & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };

export const ItemSchema = SchemaFactory.createForClass(Item);
// SKUs are unique per tenant; the index decides (never find-then-insert).
ItemSchema.index({ tenantId: 1, sku: 1 }, { unique: true });
ItemSchema.index({ tenantId: 1, _id: 1 });
ItemSchema.plugin(versionedPlugin);
