import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ConcurrencyModels } from './concurrency-models';
import { OutboxEventDoc } from './concurrency.schemas';
import { CONCURRENCY_OPTIONS, ResolvedConcurrencyOptions } from './concurrency.options';
import { Lease, LeaseService } from './lease.service';
import { concurrencyMetrics } from './metrics';
import { OutboxService, toOutboxEvent } from './outbox.service';
import { SequencesService } from './sequences.service';
import { TransactionRunner } from './transaction-runner';

/** The lease that makes one instance the relay. */
export const OUTBOX_RELAY_LEASE = 'outbox-relay';

class RelayCrashed extends Error {}

/**
 * Moves committed outbox events to subscribers, at least once. Runs only while this instance
 * holds the lease `outbox-relay`; every step that orders or settles events is fenced with the
 * lease token, so a relay that lost the lease cannot interfere with its successor.
 *
 * Each round: (1) assign delivery sequence numbers to newly visible events, in one fenced
 * transaction, so numbers become visible in increasing order (SSE resume by Last-Event-ID
 * cannot skip an event that committed late); (2) deliver pending events in `seq` order to
 * their subscribers, recording per-subscriber delivery; (3) mark each event delivered. A
 * crash between (2) and (3) means redelivery, which idempotent subscribers absorb.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  /** This relay's lease owner id (unique per instance). */
  readonly owner: string;
  private lease: Lease | null = null;
  private running = false;
  private crashed = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private unsubscribeAdded?: () => void;

  constructor(
    private readonly models: ConcurrencyModels,
    private readonly outbox: OutboxService,
    private readonly leases: LeaseService,
    private readonly sequences: SequencesService,
    @Inject(CONCURRENCY_OPTIONS) private readonly options: ResolvedConcurrencyOptions,
    private readonly transactions: TransactionRunner,
  ) {
    this.owner = `${leases.defaultOwner}:relay:${randomUUID().slice(0, 8)}`;
  }

  onApplicationBootstrap(): void {
    if (this.options.outbox.enabled) this.start();
  }

  /** Before the connection closes: finish the round and hand the lease over. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** True while the polling loop runs. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Starts polling (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.crashed = false;
    this.unsubscribeAdded = this.outbox.onAdded(() => this.wake?.());
    this.loop = this.transactions.suspend(() => this.run());
  }

  /** Stops polling, waits for the current round and releases the lease (graceful shutdown). */
  async stop(): Promise<void> {
    if (!this.running && !this.loop) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    this.unsubscribeAdded?.();
    if (this.lease && !this.crashed) await this.leases.release({ lease: this.lease }).catch(() => undefined);
    this.lease = null;
  }

  /**
   * For tests: dies like a killed process at the next step boundary (after a subscriber
   * call, before the event is marked), keeping its lease until it expires.
   */
  simulateCrash(): void {
    this.crashed = true;
  }

  /** One relay round; returns how many events were fully delivered. Exposed for tests. */
  async runOnce(): Promise<number> {
    const lease = await this.holdLease();
    if (!lease) return 0;
    await this.assignSequences(lease);
    return this.deliver(lease);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.runOnce();
      } catch (error) {
        if (error instanceof RelayCrashed) {
          this.running = false;
          return;
        }
        this.logger.warn(`outbox relay round failed: ${String(error)}`);
      }
      if (!this.running) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.outbox.pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private checkpoint(): void {
    if (this.crashed) throw new RelayCrashed('relay crashed (simulated)');
  }

  private async holdLease(): Promise<Lease | null> {
    const ttlMs = this.options.outbox.leaseTtlMs;
    if (this.lease && (await this.leases.renew({ lease: this.lease, ttlMs }))) return this.lease;
    this.lease = await this.leases.acquire({ resource: OUTBOX_RELAY_LEASE, owner: this.owner, ttlMs });
    return this.lease;
  }

  /** Renews the lease once a third of its ttl is used up; false if it was lost. */
  private async keepLease(lease: Lease): Promise<boolean> {
    const ttlMs = this.options.outbox.leaseTtlMs;
    if (lease.expiresAt.getTime() - Date.now() > (ttlMs * 2) / 3) return true;
    if (await this.leases.renew({ lease, ttlMs })) return true;
    this.lease = null;
    return false;
  }

  private async assignSequences(lease: Lease): Promise<void> {
    await this.transactions.run(
      async () => {
        await this.leases.fence({ resource: lease.resource, token: lease.token });
        const fresh = await this.models.outbox
          .find({ seq: { $exists: false } })
          .sort({ _id: 1 })
          .limit(this.options.outbox.batchSize)
          .select({ _id: 1 })
          .lean()
          .exec();
        if (fresh.length === 0) return;
        const first = await this.sequences.nextBlock({ scope: 'outbox', name: 'delivery' }, fresh.length);
        await this.models.outbox.bulkWrite(
          fresh.map((doc, i) => ({ updateOne: { filter: { _id: doc._id, seq: { $exists: false } }, update: { $set: { seq: first + i } } } })),
        );
      },
      { name: 'outbox.assignSequences' },
    );
  }

  private async deliver(lease: Lease): Promise<number> {
    const now = new Date();
    const docs = await this.transactions.suspend(() =>
      this.models.outbox
        .find({ status: 'pending', seq: { $exists: true }, $or: [{ nextAttemptAt: { $exists: false } }, { nextAttemptAt: { $lte: now } }] })
        .sort({ seq: 1 })
        .limit(this.options.outbox.batchSize)
        .lean()
        .exec(),
    );
    let delivered = 0;
    // Sequential on purpose: subscribers see a tenant's events in seq order.
    for (const doc of docs) {
      if (!this.running && !this.crashed) break;
      // A long round must not outlive the lease: a successor would deliver the same events.
      if (!(await this.keepLease(lease))) break;
      const event = toOutboxEvent(doc);
      let failure: string | undefined;
      for (const subscription of this.outbox.subscribersFor(event.type)) {
        if (doc.deliveredTo.includes(subscription.name)) continue;
        try {
          await subscription.handler(event);
        } catch (error) {
          failure = `${subscription.name}: ${String(error)}`.slice(0, 1000);
          concurrencyMetrics.outboxFailures.inc({ subscriber: subscription.name });
          this.logger.warn(`subscriber ${subscription.name} failed on ${event.type} ${event.id}: ${String(error)}`);
          continue;
        } finally {
          this.checkpoint();
        }
        await this.models.outbox.updateOne({ _id: doc._id }, { $addToSet: { deliveredTo: subscription.name } }).exec();
      }
      if (failure !== undefined) {
        await this.recordFailure(doc, failure);
        continue;
      }
      await this.transactions.run(
        async () => {
          await this.leases.fence({ resource: lease.resource, token: lease.token });
          const deliveredAt = new Date();
          const purgeAt = new Date(deliveredAt.getTime() + this.options.outbox.retentionSeconds * 1000);
          await this.models.outbox.updateOne({ _id: doc._id, status: 'pending' }, { $set: { status: 'delivered', deliveredAt, purgeAt } }).exec();
        },
        { name: 'outbox.markDelivered' },
      );
      delivered++;
      concurrencyMetrics.outboxDelivered.inc({ type: event.type });
      concurrencyMetrics.outboxLag.observe({ type: event.type }, (Date.now() - event.createdAt.getTime()) / 1000);
    }
    return delivered;
  }

  /**
   * A failed delivery: retried with exponential backoff (capped at a minute) until
   * `maxAttempts`, then the event is `dead` — kept, counted, logged, never retried — so one
   * poisoned event cannot retry forever.
   */
  private async recordFailure(doc: OutboxEventDoc & { _id: unknown }, lastError: string): Promise<void> {
    const attempts = doc.attempts + 1;
    if (attempts >= this.options.outbox.maxAttempts) {
      await this.models.outbox.updateOne({ _id: doc._id, status: 'pending' }, { $set: { attempts, status: 'dead', deadAt: new Date(), lastError }, $unset: { nextAttemptAt: 1 } }).exec();
      concurrencyMetrics.outboxDead.inc({ type: doc.type });
      this.logger.error(`outbox event ${doc.type} ${String(doc._id)} is dead after ${attempts} failed deliveries: ${lastError}`);
      return;
    }
    const nextAttemptAt = new Date(Date.now() + Math.min(1000 * 2 ** attempts, 60_000));
    await this.models.outbox.updateOne({ _id: doc._id }, { $set: { attempts, nextAttemptAt, lastError } }).exec();
  }
}
