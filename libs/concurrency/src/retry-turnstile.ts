/**
 * Process-local turnstile for retries after a write conflict, one lane per transaction name.
 * The losers retry one at a time (each entering when the previous retry ended) instead of all
 * at once on timers, where they mostly collide again: every futile attempt costs round trips
 * and server work, and under load makes the winner hold the document longer, which makes more
 * attempts fail. Advisory only: when a lane makes no progress for `stallMs` (a long body, or
 * one that waits on another transaction of the same name) the next waiter is let in anyway,
 * and no wait outlives the caller's deadline. First attempts never wait here; conflicts with
 * other processes are still retried with jittered backoff, like the driver's withTransaction.
 *
 * Lanes per contended document (the target of the write that conflicted) were measured and
 * not kept: retries of unrelated transfers stopped waiting for each other, but with up to one
 * retrier per document instead of one per name they collided with first attempts so much more
 * that transfer throughput halved and the median rose 3-10×. A lane per name is admission control.
 */
interface Lane {
  inside: number;
  queue: Array<() => void>;
  progressAt: number;
  watchdog?: NodeJS.Timeout;
}

export class RetryTurnstile {
  private readonly lanes = new Map<string, Lane>();

  /** @param stallMs a lane with no progress for this long lets its next waiter in anyway. */
  constructor(private readonly stallMs: number) {}

  /** Resolves with a `leave` function once it is this caller's turn (or `timeoutMs` passed). */
  enter(key: string, timeoutMs: number): Promise<() => void> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { inside: 0, queue: [], progressAt: performance.now() };
      this.lanes.set(key, lane);
    }
    const l = lane;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      l.inside -= 1;
      l.progressAt = performance.now();
      if (l.inside <= 0) l.queue[0]?.();
      this.gc(key, l);
    };
    if (l.inside === 0 && l.queue.length === 0) {
      l.inside += 1;
      return Promise.resolve(leave);
    }
    return new Promise((resolve) => {
      const admit = () => {
        clearTimeout(timer);
        const i = l.queue.indexOf(admit);
        if (i !== -1) l.queue.splice(i, 1);
        l.inside += 1;
        resolve(leave);
      };
      const timer = setTimeout(admit, timeoutMs);
      l.queue.push(admit);
      l.watchdog ??= setInterval(() => {
        if (performance.now() - l.progressAt >= this.stallMs) {
          l.progressAt = performance.now();
          l.queue[0]?.();
        }
        this.gc(key, l);
      }, this.stallMs);
      l.watchdog.unref();
    });
  }

  private gc(key: string, lane: Lane): void {
    if (lane.inside > 0 || lane.queue.length > 0) return;
    if (lane.watchdog) clearInterval(lane.watchdog);
    if (this.lanes.get(key) === lane) this.lanes.delete(key);
  }
}

