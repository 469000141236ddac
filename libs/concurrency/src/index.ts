/**
 * @app/concurrency — the concurrency toolkit. Every export is listed here explicitly; the
 * race-test kit lives in `@app/concurrency/testing` so production code never imports it.
 */

// Errors (AppError, the HTTP-wide problems and the filter are in @app/problem-details)
export {
  InvalidStateError, DuplicateError, ContentionError, DatabaseUnavailableError, VersionMismatchError, PreconditionRequiredError, IdempotencyInProgressError,
  IdempotencyKeyReusedError, StaleFencingTokenError, LeaseUnavailableError, TransactionPropagationError, databaseProblem,
} from './errors';
export { MongoErrorCode, hasErrorLabel, isTransientTransactionError, isUnknownCommitResult, isWriteConflict, isDatabaseUnavailable, isServerSelectionError, isMaxTimeExpired, isDuplicateKeyError, duplicateKeyFields } from './mongo-errors';

// Module
export { ConcurrencyModule, CONCURRENCY_MODULE_OPTIONS } from './concurrency.module';
export { ConcurrencyModuleOptions, ConcurrencyModuleExtras, ResolvedConcurrencyOptions, CONCURRENCY_OPTIONS, resolveConcurrencyOptions } from './concurrency.options';
export { ConcurrencyModels, CONCURRENCY_CONNECTION } from './concurrency-models';
export { concurrencyMetrics } from './metrics';

// 1. Transactions
export { Transactional, TransactionalOptions, getTransactionRunnerToken } from './transactional.decorator';
export { TransactionRunner, TransactionOptions, TransactionContext, RetryTransactionSignal, currentTransactionContext } from './transaction-runner';
export { Propagation } from './propagation';
export { BatchOutcome, BatchBody } from './group-commit';

// 2. Version checks (ETag / If-Match / If-None-Match)
export { versionedPlugin, VersionedPluginOptions, isVersioned, VERSION_FIELD } from './versioned.plugin';
export { updateVersioned, UpdateVersionedOptions, deleteVersioned, DeleteVersionedOptions, VersionedDoc, withVersionBump, withPipelineVersionBump } from './update-versioned';
export { ETagInterceptor, NoETag, NO_ETAG, etagOf, versionOf, ifNoneMatchMatches } from './etag.interceptor';
export { IfMatchInterceptor } from './if-match.interceptor';
export { RequireIfMatch } from './require-if-match.decorator';
export { IfMatchVersion } from './if-match-version.decorator';
export { parseIfMatch, IF_MATCH_VERSION } from './if-match';
export { ApiETag } from './api-etag.decorator';

// 3. Guarded transitions
export { transition, TransitionOptions } from './transition';

// 4. Sequences and unique retry
export { SequencesService, SequenceKey, formatSequence, FormatSequenceOptions } from './sequences.service';
export { insertWithUniqueRetry, UniqueRetryOptions } from './unique-retry';

// 5. Idempotency-Key
export { Idempotent } from './idempotent.decorator';
export { IdempotencyInterceptor, IDEMPOTENT_REPLAYED_HEADER, requestFingerprint } from './idempotency.interceptor';
export { IdempotencyStore, IdempotentRequest, IdempotencyClaim } from './idempotency.store';

// 6. Leases
export { LeaseService, Lease, HeldLease, AcquireLeaseOptions, WithLeaseOptions } from './lease.service';

// 7. Bounded fan-out
export { mapBounded, MapBoundedOptions } from './map-bounded';

// 8. Transactional outbox
export { OutboxService, NewOutboxEvent, OutboxEvent, OutboxSubscription, OutboxStreamOptions, toOutboxEvent } from './outbox.service';
export { OutboxRelay, OUTBOX_RELAY_LEASE } from './outbox-relay';

// Collections
export {
  CounterDoc, CounterSchema, COUNTER_MODEL, LeaseDoc, LeaseSchema, LEASE_MODEL, LeaseFenceDoc, LeaseFenceSchema, LEASE_FENCE_MODEL, IdempotencyRecordDoc, IdempotencyRecordSchema, IDEMPOTENCY_MODEL, IdempotencyLockDoc, IdempotencyLockSchema, IDEMPOTENCY_LOCK_MODEL,
  OutboxEventDoc, OutboxEventSchema, OUTBOX_MODEL, ProcessedEventDoc, ProcessedEventSchema, PROCESSED_EVENT_MODEL,
} from './concurrency.schemas';
