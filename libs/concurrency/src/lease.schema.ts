import { Schema } from 'mongoose';

/** leases: one document per resource; `token` only ever grows (fencing). */
export interface LeaseDoc {
  _id: string;
  owner: string;
  token: number;
  expiresAt: Date;
  acquiredAt: Date;
  /** Last time a fenced write checked this token (the write that materialises the conflict). */
  fencedAt?: Date;
}

/** Model name of the leases collection. */
export const LEASE_MODEL = 'ConcurrencyLease';

/** Schema of the leases collection. */
export const LeaseSchema = new Schema<LeaseDoc>(
  { _id: { type: String, required: true }, owner: { type: String, required: true }, token: { type: Number, required: true }, expiresAt: { type: Date, required: true }, acquiredAt: { type: Date, required: true }, fencedAt: Date },
  { collection: 'leases', versionKey: false },
);
