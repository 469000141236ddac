import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { versionedPlugin } from '@app/concurrency';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';
import { CURRENCIES, MAX_MONEY } from './money';

export const PAYMENT_STATUSES = ['pending', 'completed', 'cancelled'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const PAYMENT_METHODS = ['bank_transfer', 'card', 'cash'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

@Schema({ collection: 'finance_payments', timestamps: true })
export class Payment extends TenantOwned {
  @Prop({ type: MongooseSchema.Types.ObjectId })
  invoiceId?: Types.ObjectId;

  @Prop({ required: true, trim: true, maxlength: 200 })
  customerName: string;

  @Prop({ required: true, min: 1, max: MAX_MONEY, validate: Number.isSafeInteger })
  amount: number;

  @Prop({ type: String, required: true, enum: CURRENCIES })
  currency: string;

  @Prop({ type: String, required: true, enum: PAYMENT_METHODS })
  method: PaymentMethod;

  /** pending → completed | cancelled, each exactly once (guarded transitions). */
  @Prop({ type: String, required: true, enum: PAYMENT_STATUSES, default: 'pending' })
  status: PaymentStatus;

  /** The journal entry posted on completion. */
  @Prop({ type: MongooseSchema.Types.ObjectId })
  entryId?: Types.ObjectId;

  @Prop()
  completedAt?: Date;

  @Prop()
  cancelledAt?: Date;

  @Prop({ required: true })
  createdBy: string;

  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type PaymentRecord = Payment & { _id: Types.ObjectId };
export const PaymentSchema = SchemaFactory.createForClass(Payment);
PaymentSchema.plugin(versionedPlugin);
PaymentSchema.index({ tenantId: 1, status: 1 });
