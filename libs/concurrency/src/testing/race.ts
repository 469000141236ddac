import assert from 'node:assert/strict';

/** One call's outcome in a {@link race}. */
export interface RaceOutcome<T> {
  /** Index of the call (0‥n-1). */
  index: number;
  /**
   * Grouping key: the HTTP status for a response-like value (`{ status: number }`), `ok` for
   * any other resolved value, the error's `status` (AppError) or `error` for a rejection.
   */
  status: number | 'ok' | 'error';
  value?: T;
  error?: unknown;
}

/** All outcomes of a {@link race}, grouped. */
export interface RaceResult<T> {
  outcomes: RaceOutcome<T>[];
  /** Count per status, e.g. `{ 200: 1, 412: 99 }`. */
  counts: Record<string, number>;
  /** Outcomes with the given status. */
  with(status: number | 'ok' | 'error'): RaceOutcome<T>[];
  /** Resolved values (in call order), rejections left out. */
  values(): T[];
  /** Wall time of the whole race. */
  durationMs: number;
}

function statusOf(value: unknown): number | 'ok' {
  const s = (value as { status?: unknown } | null)?.status;
  return typeof s === 'number' && s >= 100 && s < 600 && typeof value === 'object' && value !== null && ('headers' in value || 'body' in value) ? s : 'ok';
}

/**
 * Fires `n` calls of `fn` concurrently (all started in the same tick, none awaited before
 * the last has started) and groups the outcomes by status. Then assert the invariant:
 *
 * ```ts
 * const r = await race(100, () => fetch(url, { method: 'PATCH', headers: { 'if-match': '"1"' }, body }));
 * expectCounts(r, { 200: 1, 412: 99 });
 * ```
 */
export async function race<T>(n: number, fn: (index: number) => Promise<T>): Promise<RaceResult<T>> {
  const started = performance.now();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const calls: Promise<RaceOutcome<T>>[] = [];
  for (let index = 0; index < n; index++) {
    calls.push(
      gate
        .then(() => fn(index))
        .then(
          (value): RaceOutcome<T> => ({ index, status: statusOf(value), value }),
          (error: unknown): RaceOutcome<T> => {
            const s = (error as { status?: unknown } | null)?.status;
            return { index, status: typeof s === 'number' ? s : 'error', error };
          },
        ),
    );
  }
  release();
  // Bounded: exactly n calls, chosen by the test.
  const outcomes = await Promise.all(calls);
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[String(o.status)] = (counts[String(o.status)] ?? 0) + 1;
  return {
    outcomes,
    counts,
    with: (status) => outcomes.filter((o) => o.status === status),
    values: () => outcomes.filter((o) => o.status !== 'error' && o.error === undefined).map((o) => o.value as T),
    durationMs: performance.now() - started,
  };
}

/** Asserts the exact count per status (statuses not listed must not occur). */
export function expectCounts(result: RaceResult<unknown>, expected: Record<string | number, number>): void {
  const want: Record<string, number> = {};
  for (const [k, v] of Object.entries(expected)) if (v > 0) want[k] = v;
  const errors = result.with('error').slice(0, 3).map((o) => String((o.error as Error)?.stack ?? o.error));
  assert.deepEqual(result.counts, want, `status counts differ${errors.length ? `; first errors:\n${errors.join('\n')}` : ''}`);
}

/** Asserts that exactly one call ended with `status` and returns it. */
export function expectExactlyOne<T>(result: RaceResult<T>, status: number | 'ok'): RaceOutcome<T> {
  const winners = result.with(status);
  assert.equal(winners.length, 1, `expected exactly one ${status}, got ${winners.length} (counts ${JSON.stringify(result.counts)})`);
  return winners[0];
}

/** Asserts that the values are pairwise distinct (no duplicate numbers, ids, tokens). */
export function assertDistinct<T>(values: readonly T[], message = 'values are not distinct'): void {
  const seen = new Set<string>();
  const dups: T[] = [];
  for (const v of values) {
    const key = typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (seen.has(key)) dups.push(v);
    seen.add(key);
  }
  assert.equal(dups.length, 0, `${message}: duplicates ${JSON.stringify(dups.slice(0, 10))}`);
}

/** Asserts that the numbers are exactly `start, start+1, …` in some order: no gap, no duplicate. */
export function assertConsecutive(values: readonly number[], start = 1): void {
  const sorted = [...values].sort((a, b) => a - b);
  assert.deepEqual(sorted, Array.from({ length: values.length }, (_, i) => start + i), 'numbers are not consecutive without gaps/duplicates');
}

/**
 * Polls `check` until it stops throwing (or returns true), for eventually-true invariants
 * (outbox delivery, lease expiry). Rethrows the last failure on timeout.
 */
export async function eventually(check: () => unknown, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
  const { timeoutMs = 5_000, intervalMs = 25 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await check();
      if (r !== false) return;
      if (Date.now() > deadline) assert.fail('condition not met in time');
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
