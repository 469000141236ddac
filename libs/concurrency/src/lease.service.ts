import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ConcurrencyModels } from './concurrency-models';
import { LeaseUnavailableError, StaleFencingTokenError } from './errors';
import { concurrencyMetrics } from './metrics';
import { isDuplicateKeyError } from './mongo-errors';
import { Propagation } from './propagation';
import { TransactionRunner } from './transaction-runner';

/** Upper bound on one lease operation; a lease must never hang behind a lock. */
export const LEASE_OP_MAX_TIME_MS = 5_000;

/** A lease held by this process. `token` is the fencing token: it only ever grows per resource. */
export interface Lease {
  resource: string;
  owner: string;
  token: number;
  expiresAt: Date;
}

/** A lease inside {@link LeaseService.withLease}: `signal` aborts if the lease is lost. */
export interface HeldLease extends Lease {
  signal: AbortSignal;
}

/** Options of {@link LeaseService.acquire}. */
export interface AcquireLeaseOptions {
  resource: string;
  /** Who holds it; unique per process (default from {@link LeaseService.defaultOwner}). */
  owner: string;
  ttlMs: number;
}

/** Options of {@link LeaseService.withLease}. */
export interface WithLeaseOptions {
  resource: string;
  ttlMs: number;
  /** Default: this process's owner id. */
  owner?: string;
}

/**
 * Time-bounded mutual exclusion with fencing tokens (one document per resource in
 * `leases`). Acquire is one atomic upsert whose filter requires the previous lease to have
 * expired, so two holders never hold one live lease; an expired lease is taken over with a
 * higher token. Expiry uses this process's clock: clocks only decide liveness, safety comes
 * from the token, which every guarded write checks ({@link LeaseService.fence}), so a paused
 * or partitioned former holder cannot write after a takeover.
 *
 * Lease operations commit on their own, never inside the caller's transaction, and never
 * wait on a lock (no transaction writes a lease document; {@link LEASE_OP_MAX_TIME_MS} bounds
 * them anyway).
 */
@Injectable()
export class LeaseService {
  /** Owner id of this process: host, pid and a random part (a restart is a new owner). */
  readonly defaultOwner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly logger = new Logger(LeaseService.name);

  constructor(
    private readonly models: ConcurrencyModels,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Takes the lease if it is free or expired; returns it with a new, higher fencing token, else null. */
  async acquire(options: AcquireLeaseOptions): Promise<Lease | null> {
    const { resource, owner, ttlMs } = options;
    return this.transactions.suspend(async () => {
      const now = new Date();
      const expiresAt = new Date(now.getTime() + ttlMs);
      try {
        const doc = await this.models.leases
          .findOneAndUpdate(
            { _id: resource, expiresAt: { $lte: now } },
            { $set: { owner, expiresAt, acquiredAt: now }, $inc: { token: 1 } },
            { upsert: true, returnDocument: 'after', maxTimeMS: LEASE_OP_MAX_TIME_MS },
          )
          .lean()
          .exec();
        concurrencyMetrics.leaseAcquisitions.inc({ resource, result: 'acquired' });
        return { resource, owner, token: doc!.token, expiresAt };
      } catch (error) {
        // The filter missed because a live lease exists, so the upsert tried to insert its _id.
        if (!isDuplicateKeyError(error)) throw error;
        concurrencyMetrics.leaseAcquisitions.inc({ resource, result: 'held' });
        return null;
      }
    });
  }

  /** Extends a lease still held under `token`; false if another holder took over. */
  async renew(options: { lease: Lease; ttlMs: number }): Promise<boolean> {
    const { lease, ttlMs } = options;
    return this.transactions.suspend(async () => {
      const expiresAt = new Date(Date.now() + ttlMs);
      const res = await this.models.leases.updateOne({ _id: lease.resource, owner: lease.owner, token: lease.token }, { $set: { expiresAt } }, { maxTimeMS: LEASE_OP_MAX_TIME_MS }).exec();
      if (res.matchedCount === 1) lease.expiresAt = expiresAt;
      return res.matchedCount === 1;
    });
  }

  /**
   * Gives the lease up so another holder need not wait for expiry. The document stays (only
   * its expiry is reset) so the next token is still higher than every token issued before.
   */
  async release(options: { lease: Lease }): Promise<boolean> {
    const { lease } = options;
    return this.transactions.suspend(async () => {
      const res = await this.models.leases.updateOne({ _id: lease.resource, owner: lease.owner, token: lease.token }, { $set: { expiresAt: new Date(0) } }, { maxTimeMS: LEASE_OP_MAX_TIME_MS }).exec();
      return res.matchedCount === 1;
    });
  }

  /**
   * Guards the caller's transaction with the lease: the lease must still carry `token`, and
   * the transaction writes the resource's fence under `token`. A successor's fenced
   * transaction writes the same fence with a higher token, so the two conflict and commit in
   * token order: a stale holder's transaction commits before the successor's first fenced
   * one or not at all, and a token already superseded fails here with 409 `stale-lease`
   * (its writes roll back). Reading the lease alone would not do (a snapshot read does not
   * conflict with a later takeover); writing the lease itself would make every takeover
   * wait for a transaction a dead holder left open, up to the server's lifetime limit.
   */
  async fence(options: { resource: string; token: number }): Promise<void> {
    await this.transactions.run(
      async () => {
        const lease = await this.models.leases.findById(options.resource).select({ token: 1 }).lean().exec();
        if (lease?.token !== options.token) throw new StaleFencingTokenError(options);
        try {
          // Fails (duplicate key on the upsert) once a successor's fenced transaction committed.
          await this.models.leaseFences.updateOne({ _id: options.resource, token: { $lte: options.token } }, { $set: { token: options.token } }, { upsert: true }).exec();
        } catch (error) {
          if (isDuplicateKeyError(error)) throw new StaleFencingTokenError(options);
          throw error;
        }
      },
      { name: 'lease.fence', propagation: Propagation.MANDATORY },
    );
  }

  /**
   * Runs `fn` while holding the lease, renewing it every ttl/3 and releasing it afterwards.
   * Not acquirable → 409 `lease-unavailable`. If a renewal finds the lease lost, `signal`
   * aborts; writes made by `fn` must still be fenced with `lease.token`.
   */
  async withLease<T>(options: WithLeaseOptions, fn: (lease: HeldLease) => Promise<T>): Promise<T> {
    const owner = options.owner ?? this.defaultOwner;
    const lease = await this.acquire({ resource: options.resource, owner, ttlMs: options.ttlMs });
    if (!lease) throw new LeaseUnavailableError({ resource: options.resource, retryAfterSeconds: Math.ceil(options.ttlMs / 1000) });
    const controller = new AbortController();
    const timer = setInterval(() => {
      this.renew({ lease, ttlMs: options.ttlMs })
        .then((ok) => {
          if (!ok) controller.abort(new StaleFencingTokenError({ resource: lease.resource, token: lease.token }));
        })
        .catch((e: unknown) => this.logger.warn(`renewing lease ${lease.resource} failed: ${String(e)}`));
    }, Math.max(10, Math.floor(options.ttlMs / 3)));
    timer.unref();
    try {
      return await fn({ ...lease, signal: controller.signal });
    } finally {
      clearInterval(timer);
      await this.release({ lease }).catch((e: unknown) => this.logger.warn(`releasing lease ${lease.resource} failed: ${String(e)}`));
    }
  }
}
