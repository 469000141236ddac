import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument, Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';
import { Role } from './role';

/** Why a session ended. */
export enum SessionEndReason {
  Logout = 'logout',
  Revoked = 'revoked',
  RefreshTokenReuse = 'refresh-token-reuse',
  PasswordReset = 'password-reset',
}

/**
 * One login: every access and refresh token descended from it names this document (`sid`).
 * The whole refresh-token chain lives here, so rotation is ONE atomic findOneAndUpdate on
 * this document (filter: "this token is still the current one and the session is live"),
 * and revoking the session revokes every token of the chain at once, including one issued a
 * moment ago. Access tokens are checked against `revokedAt` on every request.
 */
@Schema({ collection: 'sessions', versionKey: false })
export class Session extends TenantOwned {
  _id: Types.ObjectId;

  @Prop({ type: String, required: true })
  userId: string;

  /** The user's roles, kept current by role changes (same transaction): the guard authorises from here. */
  @Prop({ type: [String], enum: Object.values(Role), required: true })
  roles: Role[];

  /** SHA-256 of the one refresh token that may be used next. The token itself is never stored. */
  @Prop({ type: String, required: true })
  refreshTokenHash: string;

  /** Hashes of already-rotated tokens of this chain: presenting one again is reuse. */
  @Prop({ type: [String], default: [] })
  rotatedTokenHashes: string[];

  /** When the current refresh token was installed by a rotation (null before the first): starts the reuse grace window. */
  @Prop({ type: Date, default: null })
  rotatedAt: Date | null;

  /** When the current refresh token expires (30 days after it was issued); the TTL index removes the session then. */
  @Prop({ type: Date, required: true })
  expiresAt: Date;

  @Prop({ type: Date, required: true })
  createdAt: Date;

  @Prop({ type: Date, required: true })
  lastUsedAt: Date;

  @Prop({ type: Date, default: null })
  revokedAt: Date | null;

  @Prop({ type: String, enum: Object.values(SessionEndReason), default: null })
  revokedReason: SessionEndReason | null;

  @Prop({ type: String, default: null, maxlength: 512 })
  userAgent: string | null;

  @Prop({ type: String, default: null, maxlength: 64 })
  ip: string | null;
}

export type SessionDocument = HydratedDocument<Session>;
export const SessionSchema = SchemaFactory.createForClass(Session);
SessionSchema.index({ refreshTokenHash: 1 }, { unique: true });
SessionSchema.index({ rotatedTokenHashes: 1 });
SessionSchema.index({ tenantId: 1, userId: 1 });
SessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
