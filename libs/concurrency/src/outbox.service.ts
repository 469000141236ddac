import { Inject, Injectable, Logger, MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ConcurrencyModels } from './concurrency-models';
import { CONCURRENCY_OPTIONS, ResolvedConcurrencyOptions } from './concurrency.options';
import { OutboxEventDoc } from './concurrency.schemas';
import { Propagation } from './propagation';
import { TransactionRunner } from './transaction-runner';

/** An event to publish, written in the caller's transaction. */
export interface NewOutboxEvent {
  /** e.g. `stock.allocated`. */
  type: string;
  tenantId: string;
  /** JSON-serialisable data. */
  payload: unknown;
  /** Id of the entity the event is about (for subscribers and debugging). */
  aggregateId?: string;
  /**
   * Delivered to in-process subscribers only, never to the tenant's SSE stream: for events
   * not every member of the tenant may see (e.g. a password reset of one user).
   */
  internal?: boolean;
}

/** An event as delivered to subscribers. `id` is stable across redeliveries: dedupe on it. */
export interface OutboxEvent extends NewOutboxEvent {
  id: string;
  /** Delivery sequence (global, increasing in the order events became visible). */
  seq: number;
  createdAt: Date;
}

/** A subscriber; delivery is at least once, so `handler` must be idempotent (see {@link OutboxService.processOnce}). */
export interface OutboxSubscription {
  /** Stable name: the dedupe scope of processOnce and the delivery bookkeeping. */
  name: string;
  /** Event types to receive; `*` for all. */
  types: string[];
  handler: (event: OutboxEvent) => Promise<void>;
}

/** Options of {@link OutboxService.stream}. */
export interface OutboxStreamOptions {
  tenantId: string;
  /** Resume after this event (the SSE Last-Event-ID, i.e. a `seq`). */
  afterId?: string;
  /** Polling interval of the stream. Default: the relay's. */
  pollIntervalMs?: number;
}

/** Maps a stored event to what subscribers see. */
export function toOutboxEvent(doc: OutboxEventDoc & { _id: unknown }): OutboxEvent {
  return { id: String(doc._id), type: doc.type, tenantId: doc.tenantId, payload: doc.payload, aggregateId: doc.aggregateId, seq: doc.seq ?? 0, createdAt: doc.createdAt };
}

/**
 * Transactional outbox: `add` writes the event in the caller's transaction (so it exists
 * iff the business change committed); the relay delivers it afterwards, at least once, to
 * in-process subscribers, and `stream` serves a tenant's events to SSE clients.
 */
@Injectable()
export class OutboxService {
  private readonly subscriptions: OutboxSubscription[] = [];
  private readonly logger = new Logger(OutboxService.name);
  private readonly addedListeners = new Set<() => void>();

  constructor(
    private readonly models: ConcurrencyModels,
    @Inject(CONCURRENCY_OPTIONS) private readonly options: ResolvedConcurrencyOptions,
    private readonly transactions: TransactionRunner,
  ) {}

  /**
   * Records an event in the caller's transaction (propagation MANDATORY: outside one there
   * is nothing to be atomic with, which is exactly the dual-write bug this prevents).
   * Returns the event id.
   */
  async add(event: NewOutboxEvent): Promise<string> {
    return this.transactions.run(
      async () => {
        const doc = await this.models.outbox.create({ ...event, createdAt: new Date(), status: 'pending', deliveredTo: [], attempts: 0 });
        // Wake the local relay once the event is visible, instead of waiting a poll interval.
        this.transactions.afterCommit(() => this.addedListeners.forEach((l) => l()));
        return String(doc._id);
      },
      { name: 'outbox.add', propagation: Propagation.MANDATORY },
    );
  }

  /** Registers an in-process subscriber; returns a function that unsubscribes it. */
  subscribe(subscription: OutboxSubscription): () => void {
    if (this.subscriptions.some((s) => s.name === subscription.name)) throw new Error(`Outbox subscriber "${subscription.name}" is already registered`);
    this.subscriptions.push(subscription);
    return () => {
      const i = this.subscriptions.indexOf(subscription);
      if (i !== -1) this.subscriptions.splice(i, 1);
    };
  }

  /** The subscribers interested in an event type. */
  subscribersFor(type: string): OutboxSubscription[] {
    return this.subscriptions.filter((s) => s.types.includes('*') || s.types.includes(type));
  }

  /**
   * Makes a subscriber idempotent in one line: runs `fn` (in a transaction, joining the
   * caller's if any) together with a marker keyed by (subscriber, event id); if the marker
   * exists the event was processed already and `fn` is skipped. Returns whether `fn` ran.
   *
   * ```ts
   * handler: (e) => this.outbox.processOnce({ eventId: e.id, subscriber: 'mailer' }, () => this.mails.enqueue(e.payload))
   * ```
   */
  async processOnce(options: { eventId: string; subscriber: string }, fn: () => Promise<unknown>): Promise<boolean> {
    const _id = `${options.subscriber}:${options.eventId}`;
    return this.transactions.run(
      async () => {
        // Inside the transaction, the read plus the insert of the same _id is safe: a
        // concurrent duplicate that commits first makes our insert conflict (retry), and
        // the retry's snapshot then sees its marker.
        if (await this.models.processedEvents.exists({ _id })) return false;
        const processedAt = new Date();
        const purgeAt = new Date(processedAt.getTime() + this.options.outbox.retentionSeconds * 1000);
        await this.models.processedEvents.create({ _id, subscriber: options.subscriber, eventId: options.eventId, processedAt, purgeAt });
        await fn();
        return true;
      },
      { name: `outbox.processOnce:${options.subscriber}` },
    );
  }

  /** Called by the relay: wakes it up when an event was committed in this process. */
  onAdded(listener: () => void): () => void {
    this.addedListeners.add(listener);
    return () => this.addedListeners.delete(listener);
  }

  /**
   * A tenant's relayed events as a Nest SSE stream (`{ id, type, data }`), in delivery
   * order, resuming after `afterId` (Last-Event-ID). `id` is the delivery sequence, which the
   * relay assigns in visibility order, so an event committed late is never skipped by a
   * resume. Polls the database, so it works whichever instance relayed the event.
   *
   * ```ts
   * @Sse('events') events(@Req() req, @Headers('last-event-id') last?: string) { return this.outbox.stream({ tenantId: req.user.tenantId, afterId: last }); }
   * ```
   */
  stream(options: OutboxStreamOptions): Observable<MessageEvent> {
    const interval = options.pollIntervalMs ?? this.options.outbox.pollIntervalMs;
    const parsed = Number(options.afterId);
    let after = options.afterId !== undefined && Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : 0;
    return new Observable<MessageEvent>((subscriber) => {
      let timer: NodeJS.Timeout | undefined;
      let closed = false;
      const poll = async (): Promise<void> => {
        try {
          const docs = await this.transactions.suspend(() =>
            this.models.outbox.find({ tenantId: options.tenantId, seq: { $gt: after }, internal: { $ne: true } }).sort({ seq: 1 }).limit(100).lean().exec(),
          );
          for (const doc of docs) {
            if (closed) return;
            after = doc.seq ?? after;
            const event = toOutboxEvent(doc);
            subscriber.next({ id: String(event.seq), type: event.type, data: { id: event.id, type: event.type, aggregateId: event.aggregateId, payload: event.payload, createdAt: event.createdAt } });
          }
          if (!closed) timer = setTimeout(() => void poll(), docs.length === 100 ? 0 : interval);
        } catch (error) {
          this.logger.warn(`event stream poll failed: ${String(error)}`);
          if (!closed) timer = setTimeout(() => void poll(), interval);
        }
      };
      void poll();
      return () => {
        closed = true;
        if (timer) clearTimeout(timer);
      };
    });
  }
}
