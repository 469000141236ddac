import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';
import { CURRENCIES, MAX_MONEY } from './money';

/** A posted transfer between two accounts of one currency; written with its journal entry. */
@Schema({ collection: 'finance_transfers', timestamps: { createdAt: true, updatedAt: false }, versionKey: false })
export class Transfer extends TenantOwned {
  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  fromAccountId: Types.ObjectId;

  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  toAccountId: Types.ObjectId;

  @Prop({ required: true, min: 1, max: MAX_MONEY, validate: Number.isSafeInteger })
  amount: number;

  @Prop({ type: String, required: true, enum: CURRENCIES })
  currency: string;

  @Prop({ required: true, maxlength: 500 })
  description: string;

  @Prop({ type: String, required: true, enum: ['posted'] })
  status: 'posted';

  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  entryId: Types.ObjectId;

  @Prop({ required: true })
  createdBy: string;

  createdAt: Date;
}

export type TransferRecord = Transfer & { _id: Types.ObjectId };
export const TransferSchema = SchemaFactory.createForClass(Transfer);
TransferSchema.index({ tenantId: 1, createdAt: -1, _id: -1 });
