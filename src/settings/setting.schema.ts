import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { versionedPlugin } from '@app/concurrency';
import { TenantOwned } from '../common/tenancy/tenant-filter';

/** `list`: a set of strings (dropdown options) edited item by item; `value`: any JSON value. */
export const SETTING_KINDS = ['list', 'value'] as const;
export type SettingKind = (typeof SETTING_KINDS)[number];

/** One tenant setting, addressed by key. */
@Schema({ collection: 'settings', timestamps: true, versionKey: false, minimize: false })
export class Setting extends TenantOwned {
  _id: Types.ObjectId;

  @Prop({ type: String, required: true, immutable: true })
  key: string;

  @Prop({ type: String, required: true, enum: SETTING_KINDS })
  kind: SettingKind;

  @Prop({ type: MongooseSchema.Types.Mixed })
  value: unknown;

  /** Added by versionedPlugin; the ETag. */
  version: number;

  createdAt: Date;
  updatedAt: Date;
}

export const SettingSchema = SchemaFactory.createForClass(Setting);
SettingSchema.plugin(versionedPlugin);
// One setting per key and tenant: the index, not a lookup, decides concurrent first writes.
SettingSchema.index({ tenantId: 1, key: 1 }, { unique: true });
