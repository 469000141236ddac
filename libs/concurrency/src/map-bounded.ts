/** Options of {@link mapBounded}. */
export interface MapBoundedOptions {
  /** At most this many `fn` calls in flight. */
  concurrency: number;
  /** Stops starting new items when aborted; the result rejects with the abort reason. */
  signal?: AbortSignal;
}

/**
 * `Promise.all(items.map(fn))` with at most `concurrency` calls in flight, results in input
 * order. Use it for every fan-out over query results (dashboards, batch jobs): an unbounded
 * Promise.all over N documents opens N database operations at once. On the first failure no
 * new item starts; in-flight ones are awaited, then the first error is thrown.
 *
 * Do not fan out inside a transaction: a session runs one operation at a time.
 *
 * ```ts
 * const totals = await mapBounded(warehouses, { concurrency: 4 }, (w) => this.stock.totalFor(w.id));
 * ```
 */
export async function mapBounded<T, R>(items: Iterable<T>, options: MapBoundedOptions, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const { concurrency, signal } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be a positive integer');
  const list = Array.from(items);
  const results = new Array<R>(list.length);
  let next = 0;
  let failed = false;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (!failed && next < list.length) {
      if (signal?.aborted) {
        failed = true;
        firstError = signal.reason;
        return;
      }
      const index = next++;
      try {
        results[index] = await fn(list[index], index);
      } catch (error) {
        if (!failed) {
          failed = true;
          firstError = error;
        }
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(concurrency, list.length); i++) workers.push(worker());
  // Bounded by construction: `workers` has at most `concurrency` entries.
  await Promise.all(workers);
  if (failed) throw firstError;
  return results;
}
