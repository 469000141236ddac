import { Schema } from 'mongoose';

/** idempotency_keys: one record per (scope, key), claimed under a lease, TTL-expired. */
export interface IdempotencyRecordDoc {
  scope: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
  state: 'in-progress' | 'completed';
  lockToken?: string;
  lockedUntil?: Date;
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
    lockedUntil: Date,
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
