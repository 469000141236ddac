import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { versionedPlugin } from '@app/concurrency';
import { Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';

/** Job-card stages, in order; an order moves one step forward at a time. */
export const ORDER_STAGES = ['queued', 'slitting', 'winding', 'packing', 'done'] as const;
export type OrderStage = (typeof ORDER_STAGES)[number];

export const ORDER_STATUSES = ['confirmed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The stage right after `stage`, or undefined for the last one. */
export function nextStage(stage: OrderStage): OrderStage | undefined {
  return ORDER_STAGES[ORDER_STAGES.indexOf(stage) + 1];
}

/** One allocated line of an order. */
@Schema({ _id: false, versionKey: false })
export class OrderLine {
  @Prop({ type: Types.ObjectId, required: true })
  itemId: Types.ObjectId;

  @Prop({ required: true })
  sku: string;

  @Prop({ required: true, min: 1 })
  quantity: number;

  @Prop({ type: Types.ObjectId, required: true })
  allocationId: Types.ObjectId;
}
const OrderLineSchema = SchemaFactory.createForClass(OrderLine);

/** A sales order: its lines are allocated when it is created, its number is per tenant. */
@Schema({ collection: 'inventory_orders', timestamps: true, versionKey: false })
export class Order extends TenantOwned {
  /** SO-000001, SO-000002, … per tenant, from the toolkit's sequences. */
  @Prop({ required: true, immutable: true })
  orderNumber: string;

  @Prop({ required: true })
  customerName: string;

  @Prop({ default: '' })
  notes: string;

  @Prop({ type: String, required: true, enum: ORDER_STATUSES, default: 'confirmed' })
  status: OrderStatus;

  @Prop({ type: String, required: true, enum: ORDER_STAGES, default: 'queued' })
  stage: OrderStage;

  @Prop({ type: [OrderLineSchema], required: true })
  lines: OrderLine[];

  @Prop()
  cancelledAt?: Date;

  /** Integer version (ETag); set and bumped by the toolkit's versionedPlugin. */
  version: number;
}

export type OrderRecord = Order & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };

export const OrderSchema = SchemaFactory.createForClass(Order);
// Backstop for the sequence: two orders of one tenant can never share a number.
OrderSchema.index({ tenantId: 1, orderNumber: 1 }, { unique: true });
OrderSchema.index({ tenantId: 1, _id: 1 });
OrderSchema.plugin(versionedPlugin);
