import { AsyncResource } from 'node:async_hooks';

/** The answer for one submission of a batch: its value, or the error its caller gets. */
export type BatchOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

/** The body of a batch: answers every input, in order. */
export type BatchBody<I, O> = (inputs: readonly I[]) => Promise<Array<BatchOutcome<O>>>;

/** What a batch is: its transaction's name, the largest number of inputs in one. */
export interface BatchOptions {
  name: string;
  maxBatch: number;
}

/** Runs one batch (in a new transaction, by the runner). */
export type BatchRunner = (key: string, options: BatchOptions, size: number, run: () => Promise<Array<BatchOutcome<unknown>>>) => Promise<Array<BatchOutcome<unknown>>>;

interface Submission<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
  /** The submitter's async context (request id, tenant): its batch runs in the first one's. */
  scope: AsyncResource;
}

interface Lane {
  queue: Array<Submission<unknown, unknown>>;
  running: boolean;
  body: BatchBody<unknown, unknown>;
  options: BatchOptions;
}

/**
 * Group commit per key, in this process: while a batch for a key is being committed, new
 * submissions for it queue; when it ends, everything queued goes into the next batch, one
 * transaction for all of them (as databases batch their log writes, and TigerBeetle its
 * transfers). Under load the cost of a transaction (its round trips, its commit) is shared by
 * the batch, and writers of one hot document stop competing: at most one transaction per key
 * runs here at a time. Alone, a submission is a batch of one and waits for nothing.
 *
 * The body gets the inputs in arrival order and answers each one; it must decide each input
 * as if the earlier ones had been applied one by one (that is what makes a batch equivalent
 * to running them in sequence). A body that throws fails the whole batch: every caller gets
 * that error (after the runner's retries), and nothing of the batch committed.
 */
export class GroupCommit {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly runBatch: BatchRunner) {}

  /** Queues `input` for `key`'s next batch. A key's batches use the body and options of the submission that opened its lane. */
  submit<I, O>(key: string, input: I, body: BatchBody<I, O>, options: BatchOptions): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      let lane = this.lanes.get(key);
      if (!lane) {
        lane = { queue: [], running: false, body: body as BatchBody<unknown, unknown>, options };
        this.lanes.set(key, lane);
      }
      lane.queue.push({ input, resolve, reject, scope: new AsyncResource('GroupCommit') } as Submission<unknown, unknown>);
      if (!lane.running) void this.drain(key, lane);
    });
  }

  private async drain(key: string, lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (lane.queue.length > 0) {
        const batch = lane.queue.splice(0, lane.options.maxBatch);
        const inputs = batch.map((s) => s.input);
        try {
          const outcomes = await batch[0].scope.runInAsyncScope(() => this.runBatch(key, lane.options, batch.length, () => lane.body(inputs)));
          if (outcomes.length !== batch.length) throw new Error(`GroupCommit ${key}: the body answered ${outcomes.length} of ${batch.length} inputs.`);
          batch.forEach((s, i) => {
            const outcome = outcomes[i];
            if (outcome.ok) s.resolve(outcome.value);
            else s.reject(outcome.error);
          });
        } catch (error) {
          for (const s of batch) s.reject(error);
        } finally {
          for (const s of batch) s.scope.emitDestroy();
        }
      }
    } finally {
      lane.running = false;
      if (this.lanes.get(key) === lane && lane.queue.length === 0) this.lanes.delete(key);
    }
  }
}
