import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { ConcurrencyModels } from './concurrency-models';
import { CONCURRENCY_OPTIONS, ResolvedConcurrencyOptions } from './concurrency.options';
import { IdempotencyInProgressError, IdempotencyKeyReusedError } from './errors';
import { isDuplicateKeyError } from './mongo-errors';
import { TransactionRunner } from './transaction-runner';

/** What identifies a request under an Idempotency-Key. */
export interface IdempotentRequest {
  /** Tenant id, or `public` for unauthenticated routes. */
  scope: string;
  key: string;
  method: string;
  path: string;
  /** Hash of method, URL and canonical body. */
  fingerprint: string;
}

/** The outcome of a claim: run the handler under this lock, or replay a stored response. */
export type IdempotencyClaim =
  | { kind: 'claimed'; id: Types.ObjectId; lockToken: string }
  | { kind: 'replay'; status: number; body: unknown; problem: boolean };

/**
 * Persistence of Idempotency-Key records (`idempotency_keys`, unique on (scope, key), TTL on
 * expiresAt) and of their locks (`idempotency_locks`). The claim is an insert that the
 * unique index arbitrates, committed on its own so that a concurrent duplicate sees it at
 * once; the completion is written by the caller, inside the handler's transaction.
 */
@Injectable()
export class IdempotencyStore {
  private readonly logger = new Logger(IdempotencyStore.name);

  constructor(
    private readonly models: ConcurrencyModels,
    @Inject(CONCURRENCY_OPTIONS) private readonly options: ResolvedConcurrencyOptions,
    private readonly transactions: TransactionRunner,
  ) {}

  /**
   * Claims the key, or answers how the request must be treated: 422 when the key was used
   * for a different request, 409 while another request holds it, a replay once completed.
   * A claim whose lock expired (its holder died: a live one renews it, see {@link keepAlive})
   * or whose record expired is taken over by a guarded update, so two takers cannot both win.
   */
  async claim(request: IdempotentRequest): Promise<IdempotencyClaim> {
    const model = this.models.idempotency;
    return this.transactions.suspend(async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const now = new Date();
        const lockToken = randomUUID();
        const fresh = { ...request, state: 'in-progress' as const, lockToken, createdAt: now, expiresAt: new Date(now.getTime() + this.options.idempotency.ttlSeconds * 1000) };
        try {
          const doc = await model.create(fresh);
          return await this.locked(doc._id, lockToken);
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
        const existing = await model.findOne({ scope: request.scope, key: request.key }).lean().exec();
        if (!existing) continue;
        if (existing.expiresAt <= now) {
          // Remembered past its TTL but not yet swept: the key is free again.
          const taken = await model
            .findOneAndUpdate({ _id: existing._id, expiresAt: existing.expiresAt, lockToken: existing.lockToken }, { $set: fresh, $unset: { responseJson: 1, status: 1, problem: 1, completedAt: 1 } })
            .lean()
            .exec();
          if (taken) return this.locked(existing._id, lockToken);
          continue;
        }
        if (existing.method !== request.method || existing.path !== request.path || existing.fingerprint !== request.fingerprint) {
          throw new IdempotencyKeyReusedError();
        }
        if (existing.state === 'completed') {
          return {
            kind: 'replay',
            status: existing.status ?? 200,
            body: existing.responseJson === undefined ? undefined : JSON.parse(existing.responseJson),
            problem: existing.problem === true,
          };
        }
        const lock = await this.models.idempotencyLocks.findById(existing._id).lean().exec();
        if (lock && lock.lockedUntil > now) throw new IdempotencyInProgressError();
        const taken = await model
          .findOneAndUpdate({ _id: existing._id, state: 'in-progress', lockToken: existing.lockToken }, { $set: { lockToken } })
          .lean()
          .exec();
        if (taken) return this.locked(existing._id, lockToken);
      }
      throw new IdempotencyInProgressError();
    });
  }

  /**
   * Renews the claim's lock every leaseMs/3 until the returned function is called, so a key
   * stays held exactly as long as its request runs (plus at most one lease after a crash).
   */
  keepAlive(claim: { id: Types.ObjectId; lockToken: string }): () => void {
    const timer = setInterval(() => {
      this.transactions
        .suspend(() => this.lock(claim.id, claim.lockToken))
        .catch((error: unknown) => {
          // Taken over meanwhile (the upsert collides with the taker's lock): complete() will refuse.
          if (!isDuplicateKeyError(error)) this.logger.warn(`renewing an Idempotency-Key lock failed: ${String(error)}`);
        });
    }, Math.max(10, Math.floor(this.options.idempotency.leaseMs / 3)));
    timer.unref();
    return () => clearInterval(timer);
  }

  /** After winning the record (insert or guarded takeover): the lock is ours, whoever held it before. */
  private async locked(id: Types.ObjectId, lockToken: string): Promise<IdempotencyClaim> {
    const lockedUntil = new Date(Date.now() + this.options.idempotency.leaseMs);
    await this.models.idempotencyLocks.updateOne({ _id: id }, { $set: { lockToken, lockedUntil } }, { upsert: true }).exec();
    return { kind: 'claimed', id, lockToken };
  }

  /** Renews the lock of `lockToken` (re-creating it if swept); a lock of another token is a duplicate key. */
  private async lock(id: Types.ObjectId, lockToken: string): Promise<void> {
    const lockedUntil = new Date(Date.now() + this.options.idempotency.leaseMs);
    await this.models.idempotencyLocks.updateOne({ _id: id, lockToken }, { $set: { lockedUntil } }, { upsert: true }).exec();
  }

  /**
   * Records the final response. Called inside the handler's transaction for a success (so
   * effects and record commit together) and outside it for a 4xx. Throws 409 in-progress
   * when the claim was taken over meanwhile: the caller's transaction must then roll back.
   */
  async complete(options: { id: Types.ObjectId; lockToken: string; status: number; body: unknown; problem: boolean }): Promise<void> {
    const res = await this.models.idempotency
      .updateOne(
        { _id: options.id, state: 'in-progress', lockToken: options.lockToken },
        {
          $set: { state: 'completed', status: options.status, problem: options.problem, completedAt: new Date(), ...(options.body === undefined ? {} : { responseJson: JSON.stringify(options.body) }) },
        },
      )
      .exec();
    if (res.matchedCount !== 1) throw new IdempotencyInProgressError();
  }

  /** Forgets the claim (after a 5xx or a retryable 409/429) so the client may retry with the same key. */
  async release(options: { id: Types.ObjectId; lockToken: string }): Promise<void> {
    await this.transactions.suspend(async () => {
      await this.models.idempotency.deleteOne({ _id: options.id, state: 'in-progress', lockToken: options.lockToken }).exec();
      await this.models.idempotencyLocks.deleteOne({ _id: options.id, lockToken: options.lockToken }).exec();
    });
  }
}
