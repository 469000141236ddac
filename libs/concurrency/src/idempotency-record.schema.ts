import { Schema, Types } from 'mongoose';

/**
 * idempotency_keys: one record per (scope, key), TTL-expired. While in progress, the holder's
 * lease lives in `idempotency_locks` (below), never in this document.
 */
export interface IdempotencyRecordDoc {
  scope: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
  state: 'in-progress' | 'completed';
  lockToken?: string;
  status?: number;
  /** The response body as sent, JSON-encoded (a string: bodies may hold `$`/`.` keys). */
  responseJson?: string;
  /** True when the stored outcome is a Problem Details error (4xx). */
  problem?: boolean;
  createdAt: Date;
  completedAt?: Date;
  expiresAt: Date;
}

/** Model name of the idempotency records collection. */
export const IDEMPOTENCY_MODEL = 'ConcurrencyIdempotencyRecord';

/** Schema of the idempotency records collection. */
export const IdempotencyRecordSchema = new Schema<IdempotencyRecordDoc>(
  {
    scope: { type: String, required: true },
    key: { type: String, required: true },
    method: { type: String, required: true },
    path: { type: String, required: true },
    fingerprint: { type: String, required: true },
    state: { type: String, required: true, enum: ['in-progress', 'completed'] },
    lockToken: String,
    status: Number,
    responseJson: String,
    problem: Boolean,
    createdAt: { type: Date, required: true },
    completedAt: Date,
    expiresAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys', versionKey: false, minimize: false },
);
IdempotencyRecordSchema.index({ scope: 1, key: 1 }, { unique: true });
IdempotencyRecordSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/**
 * idempotency_locks: the lease of an in-progress record (same `_id`), renewed by the running
 * request. Kept apart from the record because the handler's transaction writes the record
 * (its response): a renewal of that document would make every request outliving a renewal
 * interval fail its commit with a write conflict. A missing lock means an expired one; the
 * TTL index sweeps them.
 */
export interface IdempotencyLockDoc {
  _id: Types.ObjectId;
  lockToken: string;
  lockedUntil: Date;
}

/** Model name of the idempotency locks collection. */
export const IDEMPOTENCY_LOCK_MODEL = 'ConcurrencyIdempotencyLock';

/** Schema of the idempotency locks collection. */
export const IdempotencyLockSchema = new Schema<IdempotencyLockDoc>(
  { _id: { type: Schema.Types.ObjectId, required: true }, lockToken: { type: String, required: true }, lockedUntil: { type: Date, required: true } },
  { collection: 'idempotency_locks', versionKey: false },
);
IdempotencyLockSchema.index({ lockedUntil: 1 }, { expireAfterSeconds: 0 });
