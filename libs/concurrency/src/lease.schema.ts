import { Schema } from 'mongoose';

/**
 * leases: one document per resource; `token` only ever grows (fencing). Written only outside
 * transactions, so that taking over a lease never waits on a transaction a dead holder left
 * open (those live until the server's transactionLifetimeLimitSeconds).
 */
export interface LeaseDoc {
  _id: string;
  owner: string;
  token: number;
  expiresAt: Date;
  acquiredAt: Date;
}

/** Model name of the leases collection. */
export const LEASE_MODEL = 'ConcurrencyLease';

/** Schema of the leases collection. */
export const LeaseSchema = new Schema<LeaseDoc>(
  { _id: { type: String, required: true }, owner: { type: String, required: true }, token: { type: Number, required: true }, expiresAt: { type: Date, required: true }, acquiredAt: { type: Date, required: true } },
  { collection: 'leases', versionKey: false },
);

/**
 * lease_fences: per resource, the highest token a fenced transaction has written under. Fenced
 * transactions write it (never the lease itself), so two holders' fenced transactions
 * conflict and commit in token order.
 */
export interface LeaseFenceDoc {
  _id: string;
  token: number;
}

/** Model name of the lease fences collection. */
export const LEASE_FENCE_MODEL = 'ConcurrencyLeaseFence';

/** Schema of the lease fences collection. */
export const LeaseFenceSchema = new Schema<LeaseFenceDoc>(
  { _id: { type: String, required: true }, token: { type: Number, required: true } },
  { collection: 'lease_fences', versionKey: false },
);
