import { setTimeout as sleep } from 'node:timers/promises';
import { ContentionError } from './errors';
import { concurrencyMetrics } from './metrics';
import { duplicateKeyFields, isDuplicateKeyError } from './mongo-errors';
import { currentTransactionContext, RetryTransactionSignal } from './transaction-runner';

/** Options of {@link insertWithUniqueRetry}. */
export interface UniqueRetryOptions {
  /** Attempts in total (first included). Default 5. */
  maxAttempts?: number;
  /** Backoff ceiling of the first retry; doubles per retry, full jitter. Default 10. */
  baseDelayMs?: number;
  /**
   * Retry only when the duplicate is on one of these fields (the generated ones, e.g.
   * `['number']`); a duplicate on any other unique field is the client's and is rethrown
   * (→ 409 `duplicate`). Default: retry on any duplicate.
   */
  fields?: string[];
  /** Metric label. Default `insert`. */
  name?: string;
}

/**
 * The unique-index-plus-retry pattern: `fn` computes a candidate (a number, a slug) and
 * inserts it; the unique index decides, and on E11000 `fn` runs again with `attempt + 1`.
 * Exhausted → 409 `contention`. Never check-then-insert.
 *
 * Inside a transaction a duplicate-key error has already aborted it on the server, so the
 * retry is the enclosing transaction's: a {@link RetryTransactionSignal} (the driver's error
 * is its cause, untouched) makes the whole body re-run (fresh snapshot, fresh candidate),
 * still counted against `maxAttempts`.
 */
export async function insertWithUniqueRetry<T>(fn: (attempt: number) => Promise<T>, options: UniqueRetryOptions = {}): Promise<T> {
  const { maxAttempts = 5, baseDelayMs = 10, fields, name = 'insert' } = options;
  const context = currentTransactionContext();
  const counterKey = `unique-retry:${name}`;
  for (let attempt = context?.counters.get(counterKey) ?? 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      if (fields && !duplicateKeyFields(error).some((f) => fields.includes(f))) throw error;
      if (attempt + 1 >= maxAttempts) {
        concurrencyMetrics.uniqueRetryExhausted.inc({ name });
        throw new ContentionError({ detail: 'Could not allocate a unique value under concurrent load; retry the request.', cause: error });
      }
      concurrencyMetrics.uniqueRetries.inc({ name });
      if (context) {
        context.counters.set(counterKey, attempt + 1);
        throw new RetryTransactionSignal(`duplicate generated value (${name})`, { cause: error });
      }
      await sleep(Math.random() * baseDelayMs * 2 ** attempt);
    }
  }
}
