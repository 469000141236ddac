import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientSession, TransactionOptions as DriverTransactionOptions } from 'mongodb';
import mongoose, { Connection } from 'mongoose';
import { CONCURRENCY_CONNECTION } from './concurrency-models';
import { CONCURRENCY_OPTIONS, ResolvedConcurrencyOptions } from './concurrency.options';
import { ContentionError, DatabaseUnavailableError, TransactionPropagationError } from './errors';
import { concurrencyMetrics } from './metrics';
import { isDatabaseUnavailable, isServerSelectionError, isTransientTransactionError, isUnknownCommitResult } from './mongo-errors';
import { Propagation } from './propagation';
import { BatchBody, GroupCommit } from './group-commit';
import { KeyedAdmission } from './keyed-admission';
import { RetryTurnstile } from './retry-turnstile';

/** Options of one transactional unit of work. */
export interface TransactionOptions {
  /** Metric label and log name; `@Transactional` defaults it to `Class.method`. */
  name?: string;
  /** Relation to a transaction already open in the caller. Default REQUIRED. */
  propagation?: Propagation;
  /**
   * Upper bound on the time spent re-running the body after write conflicts; when it is
   * exhausted the caller gets 409 `contention`. Default: the module's `transactions.maxRetryTimeMs`.
   */
  maxRetryTimeMs?: number;
  /**
   * What the body will write that concurrent transactions also write (e.g. `account:<id>`).
   * A new transaction with keys first waits, in this process and in arrival order, for the
   * ones holding any of them (see {@link KeyedAdmission}); the wait counts against
   * `maxRetryTimeMs`. Timing only: MongoDB still detects every conflict. Keys are not
   * re-entrant: a REQUIRES_NEW transaction asking for a key its caller holds waits out
   * `maxRetryTimeMs` and fails with 409 (as writing the caller's document would conflict anyway).
   */
  keys?: Iterable<string>;
}

/** State shared by every method joined into one transaction (survives its retries). */
export interface TransactionContext {
  readonly name: string;
  /** 0 on the first run of the body, incremented on each whole-body retry. */
  attempt: number;
  /** Callbacks to run once after the transaction committed (reset on each retry). */
  afterCommit: Array<() => unknown>;
  /** Per-key counters that must survive whole-body retries (e.g. insertWithUniqueRetry). */
  readonly counters: Map<string, number>;
}

/**
 * What a transaction body throws to have the whole transaction re-run (fresh snapshot) like
 * after a write conflict, e.g. insertWithUniqueRetry after a duplicate generated value: the
 * toolkit's own signal, so no driver error is ever relabelled. `cause` is the error that
 * made the retry necessary (the answer if the retry budget runs out).
 */
export class RetryTransactionSignal extends Error {
  constructor(readonly reason: string, options: { cause: unknown }) {
    super(`retry the transaction: ${reason}`, options);
    this.name = 'RetryTransactionSignal';
  }
}

/** The store in mongoose's transaction AsyncLocalStorage: mongoose reads `session`, the toolkit the rest. */
export interface TransactionStore {
  session?: ClientSession;
  context?: TransactionContext;
  connection?: Connection;
}

type TransactionStorage = AsyncLocalStorage<TransactionStore>;

/** Read snapshot, write majority, primary: the guarantees every transaction here relies on. */
const DRIVER_TRANSACTION_OPTIONS: DriverTransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

/** Backoff after a write conflict: ceiling 5 ms, ×1.5 per attempt up to 250 ms, full jitter (the driver's withTransaction). */
const CONFLICT_BACKOFF = { baseMs: 5, growth: 1.5, maxMs: 250 } as const;
/** Backoff while the database is unreachable: ceiling 25 ms, doubling up to 500 ms, full jitter. */
const UNAVAILABLE_BACKOFF = { baseMs: 25, growth: 2, maxMs: 500 } as const;
/** Inputs in one group-commit batch unless the caller says otherwise: bounds a transaction's size and a batch's latency. */
const DEFAULT_MAX_BATCH = 64;
/** A retry-turnstile lane with no progress for this long lets its next waiter in anyway. */
const TURNSTILE_STALL_MS = 500;


const logger = new Logger('Transactions');

/**
 * mongoose's transaction AsyncLocalStorage: the one store of the transaction context.
 * Switched on here, once, if the app has not already.
 */
function transactionStorage(connection: Connection): TransactionStorage {
  const base = connection.base as unknown as { transactionAsyncLocalStorage?: TransactionStorage; set(key: string, value: unknown): unknown };
  if (!base.transactionAsyncLocalStorage) base.set('transactionAsyncLocalStorage', true);
  return base.transactionAsyncLocalStorage!;
}

/**
 * The caller's transaction context, for toolkit helpers that are plain functions (they run
 * inside a runner's body, whose store mongoose's AsyncLocalStorage carries).
 */
export function currentTransactionContext(): TransactionContext | undefined {
  const store = (mongoose as unknown as { transactionAsyncLocalStorage?: TransactionStorage }).transactionAsyncLocalStorage?.getStore();
  return store?.session?.inTransaction() ? store.context : undefined;
}

/**
 * Runs units of work in MongoDB transactions on one connection, as the drivers'
 * convenient-transaction-API spec does: the whole body re-runs on TransientTransactionError
 * (write conflicts, and network errors before the commit) with jittered backoff; the commit
 * alone is retried while its outcome is unknown (it is idempotent); any other error aborts
 * and is rethrown. Write conflicts are bounded by `maxRetryTimeMs` (then 409 `contention`),
 * an unreachable database by `maxUnavailableMs` (then 503 `database-unavailable`). The
 * session travels in mongoose's AsyncLocalStorage, so every mongoose call in the body joins
 * without a `session` argument.
 *
 * One per connection, from ConcurrencyModule: inject it (`constructor(private readonly
 * transactions: TransactionRunner)`) or use `@Transactional()`. Because the body may run more
 * than once it must not have external side effects (HTTP calls, emits): use the outbox.
 */
@Injectable()
export class TransactionRunner {
  private readonly als: TransactionStorage;
  private readonly turnstile = new RetryTurnstile(TURNSTILE_STALL_MS);
  private readonly admission = new KeyedAdmission();
  private readonly groups = new GroupCommit((key, options, size, run) => {
    concurrencyMetrics.transactionBatchSize.observe({ name: options.name }, size);
    return this.runNew(run, options.name, { keys: [key] });
  });
  private readonly policy: ResolvedConcurrencyOptions['transactions'];

  constructor(
    @Inject(CONCURRENCY_CONNECTION) private readonly connection: Connection,
    @Inject(CONCURRENCY_OPTIONS) options: ResolvedConcurrencyOptions,
  ) {
    this.als = transactionStorage(connection);
    this.policy = options.transactions;
  }

  /** Runs `fn` according to `options.propagation` (default: join or open a transaction). */
  async run<T>(fn: () => Promise<T> | T, options: TransactionOptions = {}): Promise<T> {
    const name = options.name ?? 'transaction';
    const propagation = options.propagation ?? Propagation.REQUIRED;
    const active = this.activeStore();
    switch (propagation) {
      case Propagation.REQUIRED:
        return active ? fn() : this.runNew(fn, name, options);
      case Propagation.REQUIRES_NEW:
        return this.runNew(fn, name, options);
      case Propagation.MANDATORY:
        if (!active) throw new TransactionPropagationError(`${name} must be called inside a transaction (propagation MANDATORY).`);
        return fn();
      case Propagation.NEVER:
        if (active) throw new TransactionPropagationError(`${name} must not be called inside a transaction (propagation NEVER).`);
        return fn();
      case Propagation.NOT_SUPPORTED:
        return this.suspend(fn);
    }
  }

  /**
   * Group commit: `input` joins the next batch of `key` (see {@link GroupCommit}), and
   * `body` answers the whole batch in one new transaction that also holds `key` as an
   * admission key. Inside an open transaction the body runs at once, for this input alone,
   * in that transaction.
   */
  async batch<I, O>(key: string, input: I, body: BatchBody<I, O>, options: { name: string; maxBatch?: number }): Promise<O> {
    if (this.activeStore()) {
      const [outcome] = await body([input]);
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    }
    return this.groups.submit(key, input, body, { name: options.name, maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH });
  }

  /** True when the caller runs inside a transaction of this connection. */
  isActive(): boolean {
    return this.activeStore() !== undefined;
  }

  /** The context of the caller's transaction, if any. */
  current(): TransactionContext | undefined {
    return this.activeStore()?.context;
  }

  /**
   * Registers a callback to run after the caller's transaction commits (not on retries or
   * aborts). Outside a transaction it runs right away. Errors are logged, not thrown.
   */
  afterCommit(callback: () => unknown): void {
    const context = this.current();
    if (context) context.afterCommit.push(callback);
    else runHook(callback);
  }

  /** Runs `fn` outside any transaction, even when the caller is inside one. */
  suspend<T>(fn: () => Promise<T> | T): Promise<T> {
    return this.als.run({}, async () => fn());
  }

  private activeStore(): TransactionStore | undefined {
    const store = this.als.getStore();
    return store?.connection === this.connection && store.session?.inTransaction() ? store : undefined;
  }

  private async runNew<T>(fn: () => Promise<T> | T, name: string, options: TransactionOptions): Promise<T> {
    const connection = this.connection;
    const als = this.als;
    const started = performance.now();
    const maxRetryTimeMs = options.maxRetryTimeMs ?? this.policy.maxRetryTimeMs;
    const retry: RetryState = { attempt: 0, unavailableAttempts: 0, deadline: started + maxRetryTimeMs, keyed: options.keys !== undefined };
    const context: TransactionContext = { name, attempt: 0, afterCommit: [], counters: new Map() };
    const leaveKeys = options.keys ? await this.admit(name, options.keys, maxRetryTimeMs) : undefined;
    let session: ClientSession;
    try {
      session = await connection.startSession();
    } catch (error) {
      leaveKeys?.();
      throw error;
    }
    let leaveTurnstile: () => void = () => undefined;
    concurrencyMetrics.transactionsStarted.inc({ name });
    let outcome = 'aborted';
    try {
      for (;;) {
        context.afterCommit = [];
        session.startTransaction({ ...DRIVER_TRANSACTION_OPTIONS, maxCommitTimeMS: this.policy.maxCommitTimeMs });
        let result: T;
        try {
          result = await als.run({ session, context, connection }, async () => fn());
        } catch (error) {
          const unavailable = isDatabaseUnavailable(error);
          if (!isTransientTransactionError(error) && !unavailable && !(error instanceof RetryTransactionSignal)) {
            if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
            throw error;
          }
          if (unavailable) {
            // The abort may itself wait for a server: send it without holding up the retry,
            // which runs on a fresh session (the old one is mid-abort).
            const old = session;
            void old.abortTransaction().catch(() => undefined).finally(() => old.endSession().catch(() => undefined));
            session = await connection.startSession();
          } else if (session.inTransaction()) {
            await session.abortTransaction().catch(() => undefined);
          }
          leaveTurnstile();
          leaveTurnstile = await this.backoffOrGiveUp(context, retry, error);
          continue;
        }
        const committed = await this.commit(session, context, retry);
        if (committed !== true) {
          leaveTurnstile();
          leaveTurnstile = await this.backoffOrGiveUp(context, retry, committed.error);
          continue;
        }
        outcome = 'committed';
        for (const hook of context.afterCommit) runHook(hook);
        return result;
      }
    } finally {
      leaveTurnstile();
      leaveKeys?.();
      (outcome === 'committed' ? concurrencyMetrics.transactionsCommitted : concurrencyMetrics.transactionsAborted).inc({ name });
      concurrencyMetrics.transactionDuration.observe({ name, outcome }, (performance.now() - started) / 1000);
      // Ending a session still in a transaction aborts it, which waits for a server when none is there.
      if (session.inTransaction()) void session.endSession().catch(() => undefined);
      else await session.endSession().catch(() => undefined);
    }
  }

  /**
   * Commits, retrying only the commit while its outcome is unknown: it is idempotent (the
   * drivers' transactions spec), so a retry either commits or reports it was committed.
   * `{ error }` = the transaction did not commit, re-run the body.
   */
  private async commit(session: ClientSession, context: TransactionContext, retry: RetryState): Promise<true | { error: unknown }> {
    for (;;) {
      try {
        await session.commitTransaction();
        return true;
      } catch (error) {
        // A network error on a connection the driver already knew was stale arrives without
        // the UnknownTransactionCommitResult label; its outcome is just as unknown.
        const unknown = isUnknownCommitResult(error) || (isDatabaseUnavailable(error) && !isTransientTransactionError(error));
        if (unknown) {
          concurrencyMetrics.transactionCommitRetried.inc({ name: context.name });
          await this.unavailableBackoff(context, retry, error);
          continue;
        }
        if (isTransientTransactionError(error)) return { error };
        throw error;
      }
    }
  }

  /**
   * Waits before the next attempt, or throws when the bound would be passed: 409 contention
   * after write conflicts, 503 database-unavailable after unavailability. Write conflicts
   * then pass this name's retry turnstile; the returned function leaves it.
   */
  private async backoffOrGiveUp(context: TransactionContext, retry: RetryState, cause: unknown): Promise<() => void> {
    context.attempt += 1;
    concurrencyMetrics.transactionsRetried.inc({ name: context.name });
    if (isDatabaseUnavailable(cause)) {
      await this.unavailableBackoff(context, retry, cause);
      return () => undefined;
    }
    retry.attempt += 1;
    // Full jitter spreads the losers of a hot document so they do not collide again in lockstep.
    const ceiling = Math.min(CONFLICT_BACKOFF.baseMs * CONFLICT_BACKOFF.growth ** retry.attempt, CONFLICT_BACKOFF.maxMs);
    const delay = Math.random() * ceiling;
    if (performance.now() + delay >= retry.deadline) {
      logger.warn(`${context.name}: gave up after ${context.attempt} attempts (write conflicts)`);
      throw new ContentionError({ cause: cause instanceof RetryTransactionSignal ? cause.cause : cause, retryAfterSeconds: 1 });
    }
    await sleep(delay);
    // A keyed transaction already excludes its competitors in this process; what is left is
    // conflicts with other processes, which jittered backoff alone resolves.
    if (retry.keyed) return () => undefined;
    return this.turnstile.enter(context.name, Math.max(1, retry.deadline - performance.now()));
  }

  /** Waits for this transaction's keys (see {@link KeyedAdmission}); 409 `contention` when that outlasts the retry bound. */
  private async admit(name: string, keys: Iterable<string>, maxRetryTimeMs: number): Promise<() => void> {
    const waitStarted = performance.now();
    const leave = await this.admission.enter(keys, maxRetryTimeMs, () => {
      logger.warn(`${name}: gave up waiting ${maxRetryTimeMs} ms for its turn (keyed admission)`);
      return new ContentionError({ retryAfterSeconds: 1 });
    });
    concurrencyMetrics.transactionAdmissionWait.observe({ name }, (performance.now() - waitStarted) / 1000);
    return leave;
  }

  /**
   * Backoff after the database was unreachable (network error, cleared pool, no primary),
   * bounded by `transactions.maxUnavailableMs` from the first such error, then 503. A server-selection
   * error already waited serverSelectionTimeoutMS, so it is not retried.
   */
  private async unavailableBackoff(context: TransactionContext, retry: RetryState, cause: unknown): Promise<void> {
    const now = performance.now();
    retry.unavailableSince ??= now;
    retry.unavailableAttempts += 1;
    const delay = Math.random() * Math.min(UNAVAILABLE_BACKOFF.baseMs * UNAVAILABLE_BACKOFF.growth ** retry.unavailableAttempts, UNAVAILABLE_BACKOFF.maxMs);
    const limit = Math.min(retry.deadline, retry.unavailableSince + this.policy.maxUnavailableMs);
    if (isServerSelectionError(cause) || now + delay >= limit) {
      logger.warn(`${context.name}: database unavailable after ${retry.unavailableAttempts} attempts: ${describe(cause)}`);
      throw new DatabaseUnavailableError({ cause });
    }
    await sleep(delay);
  }
}

/** Retry bookkeeping of one runNew call. */
interface RetryState {
  /** Write-conflict retries so far (drives the backoff ceiling). */
  attempt: number;
  /** Retries after the database was unreachable. */
  unavailableAttempts: number;
  /** When the first unavailability error of this call was seen. */
  unavailableSince?: number;
  /** maxRetryTimeMs after the start: no attempt starts later. */
  deadline: number;
  /** The transaction holds admission keys, so its retries skip the per-name turnstile. */
  keyed: boolean;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function runHook(hook: () => unknown): void {
  try {
    const r = hook();
    if (r instanceof Promise) r.catch((e: unknown) => logger.error(`afterCommit hook failed: ${String(e)}`));
  } catch (e) {
    logger.error(`afterCommit hook failed: ${String(e)}`);
  }
}
