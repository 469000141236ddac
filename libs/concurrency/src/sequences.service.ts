import { Injectable } from '@nestjs/common';
import { ConcurrencyModels } from './concurrency-models';
import { isDuplicateKeyError } from './mongo-errors';
import { TransactionRunner } from './transaction-runner';

/** Identifies one counter, e.g. `{ scope: tenantId, name: 'sales-order' }`. */
export interface SequenceKey {
  /** Usually the tenant id: numbering restarts per scope. */
  scope: string;
  /** The series, e.g. `sales-order`, `invoice:2025`. */
  name: string;
}

/**
 * Gap-free, duplicate-free numbers: one atomic `$inc` with upsert on the `counters`
 * collection. Inside a transaction the increment joins it, so an attempt that rolls back
 * (or is re-run after a conflict) gives its number back: no gap, no duplicate. Concurrent
 * draws in transactions serialise on the counter document (write conflict → retry).
 * Keep a unique index on the numbered field as well: the counter is the plan, the index the proof.
 */
@Injectable()
export class SequencesService {
  constructor(
    private readonly models: ConcurrencyModels,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Draws the next value (1, 2, 3, …) of the sequence. */
  async next(key: SequenceKey): Promise<number> {
    return this.nextBlock(key, 1);
  }

  /**
   * Reserves `count` consecutive values in one increment; returns the first. Used to number
   * a batch without `count` round trips.
   */
  async nextBlock(key: SequenceKey, count: number): Promise<number> {
    if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be a positive integer');
    const _id = `${key.scope}/${key.name}`;
    // Two first-ever upserts may race to insert the counter; the loser sees E11000 once and
    // then finds the document (MongoDB retries this itself since 4.2; this covers the rest).
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await this.models.counters
          .findOneAndUpdate(
            { _id },
            { $inc: { value: count }, $setOnInsert: { scope: key.scope, name: key.name } },
            { upsert: true, returnDocument: 'after' },
          )
          .lean()
          .exec();
        return (doc as { value: number }).value - count + 1;
      } catch (error) {
        // Inside a transaction the server has aborted it; the runner re-runs the whole body.
        if (attempt < 2 && isDuplicateKeyError(error) && !this.transactions.isActive()) continue;
        throw error;
      }
    }
  }

  /** The last value drawn (0 if none); a read, for display and tests only. */
  async current(key: SequenceKey): Promise<number> {
    const doc = await this.models.counters.findById(`${key.scope}/${key.name}`).lean().exec();
    return doc?.value ?? 0;
  }
}

/** Options of {@link formatSequence}. */
export interface FormatSequenceOptions {
  /** e.g. `SO`. */
  prefix: string;
  value: number;
  /** Zero-padded width of the number. Default 6. */
  width?: number;
  /** Between prefix and number. Default `-`. */
  separator?: string;
}

/** Formats a sequence value as a document number: `formatSequence({ prefix: 'SO', value: 42 })` → `SO-000042`. */
export function formatSequence(options: FormatSequenceOptions): string {
  const { prefix, value, width = 6, separator = '-' } = options;
  return `${prefix}${separator}${String(value).padStart(width, '0')}`;
}
