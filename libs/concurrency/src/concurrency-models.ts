import { Inject, Injectable } from '@nestjs/common';
import type { Connection, Model, Schema } from 'mongoose';
import {
  COUNTER_MODEL, CounterDoc, CounterSchema, IDEMPOTENCY_LOCK_MODEL, IDEMPOTENCY_MODEL, IdempotencyLockDoc, IdempotencyLockSchema, IdempotencyRecordDoc, IdempotencyRecordSchema, LEASE_FENCE_MODEL, LEASE_MODEL, LeaseDoc, LeaseFenceDoc, LeaseFenceSchema, LeaseSchema,
  OUTBOX_MODEL, OutboxEventDoc, OutboxEventSchema, PROCESSED_EVENT_MODEL, ProcessedEventDoc, ProcessedEventSchema,
} from './concurrency.schemas';

/** Injection token of the mongoose connection the toolkit uses. */
export const CONCURRENCY_CONNECTION = Symbol('CONCURRENCY_CONNECTION');

function modelOf<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

/** The toolkit's own models on the app's connection. */
@Injectable()
export class ConcurrencyModels {
  readonly counters: Model<CounterDoc>;
  readonly leases: Model<LeaseDoc>;
  readonly leaseFences: Model<LeaseFenceDoc>;
  readonly idempotency: Model<IdempotencyRecordDoc>;
  readonly idempotencyLocks: Model<IdempotencyLockDoc>;
  readonly outbox: Model<OutboxEventDoc>;
  readonly processedEvents: Model<ProcessedEventDoc>;

  constructor(@Inject(CONCURRENCY_CONNECTION) readonly connection: Connection) {
    this.counters = modelOf(connection, COUNTER_MODEL, CounterSchema);
    this.leases = modelOf(connection, LEASE_MODEL, LeaseSchema);
    this.leaseFences = modelOf(connection, LEASE_FENCE_MODEL, LeaseFenceSchema);
    this.idempotency = modelOf(connection, IDEMPOTENCY_MODEL, IdempotencyRecordSchema);
    this.idempotencyLocks = modelOf(connection, IDEMPOTENCY_LOCK_MODEL, IdempotencyLockSchema);
    this.outbox = modelOf(connection, OUTBOX_MODEL, OutboxEventSchema);
    this.processedEvents = modelOf(connection, PROCESSED_EVENT_MODEL, ProcessedEventSchema);
  }

  /** Builds the indexes the invariants rely on, before any request can race. */
  async ensureIndexes(): Promise<void> {
    for (const model of [this.counters, this.leases, this.leaseFences, this.idempotency, this.idempotencyLocks, this.outbox, this.processedEvents] as Model<unknown>[]) {
      await model.init();
    }
  }
}
