import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument, Types } from 'mongoose';

/**
 * A tenant (company). Its `_id` (as a hex string) is the `tenantId` carried by every
 * tenant-owned document. Not itself tenant-scoped: it is looked up by its own id.
 */
@Schema({ collection: 'tenants', timestamps: true, versionKey: false })
export class Tenant {
  _id: Types.ObjectId;

  @Prop({ type: String, required: true, trim: true, maxlength: 200 })
  name: string;

  /**
   * How many users of the tenant hold `admin`. It exists to materialise the "last admin"
   * conflict: every role change that adds or removes admin also updates this one document in
   * the same transaction, so two concurrent demotions collide here instead of both passing a
   * count that neither sees change (write skew).
   */
  @Prop({ type: Number, required: true, min: 0, default: 0 })
  adminCount: number;

  createdAt: Date;
  updatedAt: Date;
}

export type TenantDocument = HydratedDocument<Tenant>;
export const TenantSchema = SchemaFactory.createForClass(Tenant);
