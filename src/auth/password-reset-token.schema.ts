import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument, Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';

/** A password-reset token: stored as its hash only, single use, gone 30 minutes after issue (TTL). */
@Schema({ collection: 'password_reset_tokens', versionKey: false })
export class PasswordResetToken extends TenantOwned {
  _id: Types.ObjectId;

  @Prop({ type: String, required: true })
  userId: string;

  @Prop({ type: String, required: true })
  tokenHash: string;

  @Prop({ type: Date, required: true })
  expiresAt: Date;

  /** Set by the one atomic consume; a token with usedAt is spent. */
  @Prop({ type: Date, default: null })
  usedAt: Date | null;

  @Prop({ type: Date, required: true })
  createdAt: Date;
}

export type PasswordResetTokenDocument = HydratedDocument<PasswordResetToken>;
export const PasswordResetTokenSchema = SchemaFactory.createForClass(PasswordResetToken);
PasswordResetTokenSchema.index({ tokenHash: 1 }, { unique: true });
PasswordResetTokenSchema.index({ tenantId: 1, userId: 1 });
// The database removes expired tokens; `consume` also checks expiresAt (the TTL monitor runs once a minute).
PasswordResetTokenSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
