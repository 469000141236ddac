import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { versionedPlugin } from '@app/concurrency';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';
import { CURRENCIES, MAX_MONEY } from './money';

/**
 * A client's prepayment. Its balance is a sub-ledger of the tenant's retainer-liability
 * account in that currency: Σ (credit − debit) of the lines tagged with this retainer.
 */
@Schema({ collection: 'finance_retainers', timestamps: true })
export class Retainer extends TenantOwned {
  @Prop({ required: true, trim: true, maxlength: 200 })
  clientName: string;

  @Prop({ type: String, required: true, enum: CURRENCIES })
  currency: string;

  /** The retainer-liability account it belongs to. */
  @Prop({ type: MongooseSchema.Types.ObjectId, required: true })
  liabilityAccountId: Types.ObjectId;

  /** Changed only by ledger postings (guarded $inc); never negative. */
  @Prop({ required: true, default: 0, min: 0, max: MAX_MONEY, validate: Number.isSafeInteger })
  balance: number;

  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type RetainerRecord = Retainer & { _id: Types.ObjectId };
export const RetainerSchema = SchemaFactory.createForClass(Retainer);
RetainerSchema.plugin(versionedPlugin);
