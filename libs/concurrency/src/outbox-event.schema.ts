import { Schema } from 'mongoose';

/** outbox: events written in the producer's transaction; `seq` is assigned by the relay. */
export interface OutboxEventDoc {
  tenantId: string;
  type: string;
  payload: unknown;
  aggregateId?: string;
  /** Subscribers only; never streamed over SSE. */
  internal?: boolean;
  createdAt: Date;
  /** Delivery sequence (global, gap-free in commit-visible order); absent until relayed. */
  seq?: number;
  /** `dead`: a subscriber failed `maxAttempts` times; kept (no TTL) until an operator acts. */
  status: 'pending' | 'delivered' | 'dead';
  deliveredTo: string[];
  attempts: number;
  nextAttemptAt?: Date;
  deliveredAt?: Date;
  /** Set on delivery (deliveredAt + retention); the TTL index removes the event then. */
  purgeAt?: Date;
  /** The last subscriber failure (name and message), for operators. */
  lastError?: string;
  deadAt?: Date;
}

/** Model name of the outbox collection. */
export const OUTBOX_MODEL = 'ConcurrencyOutboxEvent';

/** Schema of the outbox collection. */
export const OutboxEventSchema = new Schema<OutboxEventDoc>(
  {
    tenantId: { type: String, required: true },
    type: { type: String, required: true },
    payload: { type: Schema.Types.Mixed },
    aggregateId: String,
    internal: Boolean,
    createdAt: { type: Date, required: true },
    seq: Number,
    status: { type: String, required: true, enum: ['pending', 'delivered', 'dead'] },
    deliveredTo: { type: [String], default: [] },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: Date,
    deliveredAt: Date,
    purgeAt: Date,
    lastError: String,
    deadAt: Date,
  },
  { collection: 'outbox', versionKey: false, minimize: false },
);
OutboxEventSchema.index({ status: 1, seq: 1 });
OutboxEventSchema.index({ tenantId: 1, seq: 1 });
OutboxEventSchema.index({ seq: 1 }, { unique: true, partialFilterExpression: { seq: { $type: 'number' } } });
OutboxEventSchema.index({ purgeAt: 1 }, { expireAfterSeconds: 0 });
