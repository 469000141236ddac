import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';

export const ALLOCATION_STATUSES = ['open', 'released'] as const;
export type AllocationStatus = (typeof ALLOCATION_STATUSES)[number];

/**
 * Stock reserved for a purpose. While `open`, its quantity counts in the item's
 * quantityAllocated; `open → released` happens once (a guarded transition) and gives the
 * quantity back to quantityAvailable.
 */
@Schema({ collection: 'inventory_allocations', timestamps: true, versionKey: false })
export class Allocation extends TenantOwned {
  @Prop({ type: Types.ObjectId, required: true, immutable: true })
  itemId: Types.ObjectId;

  @Prop({ required: true, min: 1, immutable: true })
  quantity: number;

  @Prop({ required: true, immutable: true })
  orderReference: string;

  /** Set when the allocation belongs to a sales order: it is then released by cancelling the order. */
  @Prop({ type: Types.ObjectId, immutable: true })
  orderId?: Types.ObjectId;

  @Prop({ type: String, required: true, enum: ALLOCATION_STATUSES, default: 'open' })
  status: AllocationStatus;

  @Prop()
  releasedAt?: Date;

  @Prop({ required: true, immutable: true })
  createdBy: string;
}

export type AllocationRecord = Allocation & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };

export const AllocationSchema = SchemaFactory.createForClass(Allocation);
AllocationSchema.index({ tenantId: 1, itemId: 1, status: 1 });
AllocationSchema.index({ tenantId: 1, orderId: 1, status: 1 });
