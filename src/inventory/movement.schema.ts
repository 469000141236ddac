import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';

/** Why free stock changed. */
export const MOVEMENT_TYPES = ['opening', 'receipt', 'allocation', 'release'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

/**
 * One line of the append-only stock ledger: `quantity` is the signed change of the item's
 * quantityAvailable (allocation < 0, opening/receipt/release > 0). Never updated, never deleted;
 * the item's quantityAvailable always equals the sum of its movements.
 */
@Schema({ collection: 'inventory_movements', timestamps: { createdAt: true, updatedAt: false }, versionKey: false })
export class Movement extends TenantOwned {
  @Prop({ type: Types.ObjectId, required: true, immutable: true })
  itemId: Types.ObjectId;

  @Prop({ type: String, required: true, enum: MOVEMENT_TYPES, immutable: true })
  type: MovementType;

  @Prop({ required: true, immutable: true })
  quantity: number;

  @Prop({ required: true, immutable: true })
  reference: string;

  @Prop({ type: Types.ObjectId, immutable: true })
  allocationId?: Types.ObjectId;

  @Prop({ type: Types.ObjectId, immutable: true })
  orderId?: Types.ObjectId;

  /** The user whose request caused the movement. */
  @Prop({ required: true, immutable: true })
  createdBy: string;
}

export type MovementRecord = Movement & { _id: Types.ObjectId; createdAt: Date };

export const MovementSchema = SchemaFactory.createForClass(Movement);
MovementSchema.index({ tenantId: 1, itemId: 1, _id: 1 });
