/**
 * Process-local admission by key: transactions that declare a common key (the documents they
 * will write, e.g. both accounts of a transfer) start one after another in arrival order, so
 * in this process they never meet in a write conflict, and unrelated ones never wait for each
 * other. Keys are taken in sorted order, so two callers can never each hold a key the other
 * waits for. Timing only: MongoDB still decides every conflict (with other processes, and
 * with writers that declare no key), which the runner retries as before.
 */
export class KeyedAdmission {
  /** Per key, the promise that resolves when the last admitted or queued holder leaves. */
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Resolves with `leave` once this caller holds every key; rejects with `onTimeout()` when
   * that takes longer than `timeoutMs` (keys already held are given back first).
   */
  async enter(keys: Iterable<string>, timeoutMs: number, onTimeout: () => Error): Promise<() => void> {
    const deadline = performance.now() + timeoutMs;
    const leaves: Array<() => void> = [];
    const leaveAll = () => {
      for (const leave of leaves.reverse()) leave();
      leaves.length = 0;
    };
    try {
      for (const key of [...new Set(keys)].sort()) leaves.push(await this.enterOne(key, deadline, onTimeout));
    } catch (error) {
      leaveAll();
      throw error;
    }
    return leaveAll;
  }

  /** Keys with a holder or a queue (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }

  private async enterOne(key: string, deadline: number, onTimeout: () => Error): Promise<() => void> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    // The next caller waits for the previous holder AND this one: a caller that times out
    // releases at once without letting its successor overtake the holder it was waiting for.
    const tail = previous ? previous.then(() => mine) : mine;
    this.tails.set(key, tail);
    const leave = () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    if (!previous) return leave;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - performance.now()), 'timeout')));
    const outcome = await Promise.race([previous.then(() => 'admitted' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      leave();
      throw onTimeout();
    }
    return leave;
  }
}
