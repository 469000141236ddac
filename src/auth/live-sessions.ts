import { AsyncResource } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DatabaseUnavailableError } from '@app/concurrency';
import DataLoader from 'dataloader';
import { Types } from 'mongoose';
import { AppConfigService } from '../common/config/app-config.service';
import type { Role } from './role';
import { LiveSessionRecord, SessionsRepository } from './sessions.repository';

/** Whose session a token claims to be. */
export interface SessionClaim {
  sessionId: string;
  tenantId: string;
  userId: string;
}

/** What the guard authorises from: the session's current roles. */
export interface LiveSession {
  roles: readonly Role[];
}

/** Sessions read in one command; beyond this the rest of the batch goes in the next one. */
const MAX_BATCH = 256;

/**
 * The guard's revocation check, batched: the session reads of concurrent requests go to the
 * database as one `find({ _id: { $in } })` per turn of the event loop, instead of one command
 * (a cursor, a round trip, a reply to decode) each — the largest cost of a read request after
 * its own query. Nothing is remembered between batches: every request is checked against a
 * read sent after it arrived, so a logout, password reset or reuse revocation that finished
 * before a request arrived cuts it off exactly as a read of its own would.
 *
 * DataLoader (`cache: false`: no memoisation) collects the loads; a batch is sent from the
 * check phase (`setImmediate`), after every request whose bytes arrived in this poll phase
 * has asked, and runs outside any request's async context (it serves several).
 */
@Injectable()
export class LiveSessions {
  private readonly scope = new AsyncResource('LiveSessions');
  private readonly loader = new DataLoader<string, LiveSessionRecord | undefined>((ids) => this.load(ids), {
    cache: false,
    maxBatchSize: MAX_BATCH,
    batchScheduleFn: (dispatch) => setImmediate(() => this.scope.runInAsyncScope(dispatch)),
  });

  /**
   * How long a batch may wait for its read: a failing read ends within server selection plus
   * maxTimeMS. A batch holds many requests, so one that never answers (seen when the database
   * went away under a query in flight) must not hold them all: they get 503 instead.
   */
  private readonly deadlineMs: number;

  constructor(
    private readonly sessions: SessionsRepository,
    config: AppConfigService,
  ) {
    this.deadlineMs = config.get('MONGODB_SERVER_SELECTION_TIMEOUT_MS') + config.get('MONGODB_OPERATION_TIMEOUT_MS');
  }

  /** The claimed session if it is live now: not revoked, not expired, and the tenant's and user's the token names. */
  async find(claim: SessionClaim, now: Date): Promise<LiveSession | null> {
    // Ids come from a verified token; a malformed one must not fail the batch it would share.
    if (!/^[0-9a-f]{24}$/i.test(claim.sessionId)) return null;
    const session = await this.loader.load(claim.sessionId.toLowerCase());
    if (!session || session.tenantId !== claim.tenantId || session.userId !== claim.userId || !(session.expiresAt > now)) return null;
    return session;
  }

  private async load(ids: readonly string[]): Promise<Array<LiveSessionRecord | undefined>> {
    const unique = [...new Set(ids)];
    const found = await withDeadline(this.sessions.findUnrevoked(unique.map((id) => new Types.ObjectId(id))), this.deadlineMs);
    const byId = new Map(found.map((s) => [s._id.toHexString(), s]));
    return ids.map((id) => byId.get(id));
  }
}

/** `promise`, or a 503 `database-unavailable` once `ms` have passed without an answer. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseUnavailableError({ detail: `The database did not answer within ${ms} ms; retry the request later.` })), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
