import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { versionedPlugin } from '@app/concurrency';
import type { HydratedDocument, Types } from 'mongoose';
import { Role } from '../auth/role';
import { TenantOwned } from '../common/tenancy/tenant-filter';

/** A person who signs in. Tenant-owned; the email is unique across ALL tenants (login needs no tenant). */
@Schema({ collection: 'users', timestamps: true })
export class User extends TenantOwned {
  _id: Types.ObjectId;

  /** Stored lower-cased and trimmed, so the unique index is case-insensitive in effect. */
  @Prop({ type: String, required: true, lowercase: true, trim: true, maxlength: 254 })
  email: string;

  /** argon2id PHC string. Never selected unless asked for (`+passwordHash`). */
  @Prop({ type: String, required: true, select: false })
  passwordHash: string;

  @Prop({ type: String, required: true, trim: true, maxlength: 200 })
  displayName: string;

  @Prop({ type: [String], enum: Object.values(Role), required: true })
  roles: Role[];

  /** Touched by every login, inside the login transaction (see AuthService.openSession). */
  @Prop({ type: Date, default: null })
  lastLoginAt: Date | null;

  /** Added by versionedPlugin: 1 on create, +1 per change; the ETag. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type UserDocument = HydratedDocument<User>;
export const UserSchema = SchemaFactory.createForClass(User);
UserSchema.plugin(versionedPlugin);
// Duplicate emails are refused by this index, never by a find-then-insert.
UserSchema.index({ email: 1 }, { unique: true });
UserSchema.index({ tenantId: 1, createdAt: 1 });
