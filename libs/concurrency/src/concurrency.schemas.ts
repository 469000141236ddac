/*
 * The toolkit's own collections, one schema per file. Every invariant is backed by an index
 * declared there, not by a read before a write.
 */
export * from './counter.schema';
export * from './lease.schema';
export * from './idempotency-record.schema';
export * from './outbox-event.schema';
export * from './processed-event.schema';
