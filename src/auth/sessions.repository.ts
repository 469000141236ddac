import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, Types } from 'mongoose';
import { TenantFilter } from '../common/tenancy/tenant-filter';
import { crossTenant } from '../common/tenancy/tenant-scope.plugin';
import type { Role } from './role';
import { Session, SessionEndReason } from './session.schema';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';

export type SessionRecord = Session & { _id: Types.ObjectId };
/** What the guard needs of a session. */
export type LiveSessionRecord = Pick<SessionRecord, '_id' | 'tenantId' | 'userId' | 'roles' | 'expiresAt'>;
/** One session of one tenant. */
export type SessionKey = TenantFilter<Session> & { _id: string };
/** The sessions of one user. */
export type UserSessionsFilter = TenantFilter<Session> & { userId: string };

export type NewSession = Pick<Session, 'tenantId' | 'userId' | 'roles' | 'refreshTokenHash' | 'expiresAt' | 'userAgent' | 'ip'>;

/**
 * How many rotated hashes a session remembers for reuse detection. At one rotation per
 * 15-minute access token that is about ten days of continuous use; an older token than that
 * is simply unknown (401) instead of revoking the session.
 */
const ROTATED_HASHES_KEPT = 1000;

/** Every mongoose call on sessions. */
@Injectable()
export class SessionsRepository extends TenantScopedRepository<Session> {
  constructor(@InjectModel(Session.name) private readonly sessions: Model<Session>) {
    super(sessions);
  }

  async create(data: NewSession, now: Date): Promise<SessionRecord> {
    return this.insertOne({ ...data, createdAt: now, lastUsedAt: now, rotatedTokenHashes: [] });
  }

  /**
   * The unrevoked sessions among `ids`, in one command: the guard's batched revocation check
   * ({@link LiveSessions}). Cross-tenant: the batch holds several requests' sessions; each
   * result is compared with its own token's tenant, user and expiry by the caller.
   */
  findUnrevoked(ids: readonly Types.ObjectId[]): Promise<LiveSessionRecord[]> {
    return this.sessions
      .find({ _id: { $in: ids }, revokedAt: null })
      .select({ tenantId: 1, userId: 1, roles: 1, expiresAt: 1 })
      .setOptions(crossTenant('the guard batches the sessions of concurrent requests; each is checked against its token'))
      .lean<LiveSessionRecord[]>()
      .exec();
  }

  /**
   * Consumes a refresh token and installs its successor in ONE atomic findOneAndUpdate: the
   * filter says "this is still the current token of a live, unexpired session", so of any
   * number of concurrent refreshes with one token exactly one matches. The consumed hash is
   * remembered in the same write, so a loser that comes looking for it finds it (reuse).
   * Cross-tenant: the caller holds a secret, not a tenant; the secret names the session.
   */
  rotateRefreshToken(presentedHash: string, nextHash: string, now: Date, expiresAt: Date): Promise<SessionRecord | null> {
    return this.sessions
      .findOneAndUpdate(
        { refreshTokenHash: presentedHash, revokedAt: null, expiresAt: { $gt: now } },
        {
          $set: { refreshTokenHash: nextHash, expiresAt, lastUsedAt: now, rotatedAt: now },
          $push: { rotatedTokenHashes: { $each: [presentedHash], $slice: -ROTATED_HASHES_KEPT } },
        },
        { returnDocument: 'after', ...crossTenant('refresh: the refresh token hash identifies its session') },
      )
      .lean<SessionRecord>()
      .exec();
  }

  /**
   * The live session whose current refresh token is `successorHash` and was installed at or after
   * `rotatedSince`: a token presented again within the grace window gets that successor back.
   */
  findRecentlyRotatedTo(successorHash: string, rotatedSince: Date, now: Date): Promise<SessionRecord | null> {
    return this.sessions
      .findOne({ refreshTokenHash: successorHash, revokedAt: null, expiresAt: { $gt: now }, rotatedAt: { $gte: rotatedSince } })
      .setOptions(crossTenant('refresh: the refresh token hash identifies its session'))
      .lean<SessionRecord>()
      .exec();
  }

  /** The session a rotated (already used) refresh token belongs to: presenting it again is reuse. */
  findByRotatedTokenAcrossTenants(hash: string): Promise<Pick<SessionRecord, '_id' | 'tenantId' | 'userId'> | null> {
    return this.sessions
      .findOne({ rotatedTokenHashes: hash })
      .select({ tenantId: 1, userId: 1 })
      .setOptions(crossTenant('refresh-token reuse: the rotated token hash identifies its session'))
      .lean<Pick<SessionRecord, '_id' | 'tenantId' | 'userId'>>()
      .exec();
  }

  /** Ends one live session (every token of it). False when it was not live (or not found). */
  async revoke(filter: SessionKey & { userId?: string }, reason: SessionEndReason, now: Date): Promise<boolean> {
    const result = await this.sessions
      .updateOne({ ...filter, revokedAt: null }, { $set: { revokedAt: now, revokedReason: reason } })
      .exec();
    return result.matchedCount === 1;
  }

  /** Ends every live session of a user. */
  async revokeAllForUser(filter: UserSessionsFilter, reason: SessionEndReason, now: Date): Promise<number> {
    const result = await this.sessions
      .updateMany({ ...filter, revokedAt: null }, { $set: { revokedAt: now, revokedReason: reason } })
      .exec();
    return result.modifiedCount;
  }

  /** The user's live sessions, most recently used first. */
  listLive(filter: UserSessionsFilter, now: Date): Promise<SessionRecord[]> {
    return this.sessions
      .find({ ...filter, revokedAt: null, expiresAt: { $gt: now } })
      .select({ refreshTokenHash: 0, rotatedTokenHashes: 0 })
      .sort({ lastUsedAt: -1, _id: -1 })
      .limit(200)
      .lean<SessionRecord[]>()
      .exec();
  }

  /** Keeps a user's sessions' roles current; call in the transaction that changes the roles. */
  async setRolesForUser(filter: UserSessionsFilter, roles: Role[]): Promise<void> {
    await this.sessions.updateMany(filter, { $set: { roles } }).exec();
  }
}
