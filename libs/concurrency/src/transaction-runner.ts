import { Logger } from '@nestjs/common';
import type { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientSession, TransactionOptions as DriverTransactionOptions } from 'mongodb';
import type { Connection } from 'mongoose';
import { currentConnection } from './connection-registry';
import { ContentionError, DatabaseUnavailableError, TransactionPropagationError } from './errors';
import { concurrencyMetrics } from './metrics';
import { isDatabaseUnavailable, isServerSelectionError, isTransientTransactionError, isUnknownCommitResult } from './mongo-errors';
import { Propagation } from './propagation';

/** Options of one transactional unit of work. */
export interface TransactionOptions {
  /** Metric label and log name; `@Transactional` defaults it to `Class.method`. */
  name?: string;
  /** Relation to a transaction already open in the caller. Default REQUIRED. */
  propagation?: Propagation;
  /**
   * Upper bound on the time spent re-running the body after write conflicts; when it is
   * exhausted the caller gets 409 `contention`. Default: the module's setting (30 s).
   */
  maxRetryTimeMs?: number;
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

/** The store mongoose reads (`session`) plus the toolkit's context. */
interface TransactionStore {
  session?: ClientSession;
  context?: TransactionContext;
}

/** Module-level defaults, set by ConcurrencyModule.forRoot. */
export const transactionDefaults = {
  maxRetryTimeMs: 30_000,
  /** First backoff ceiling; grows ×1.5 per attempt up to maxBackoffMs, full jitter. */
  baseBackoffMs: 5,
  maxBackoffMs: 250,
  backoffGrowth: 1.5,
  /** A retry turnstile lane with no progress for this long lets its next waiter in anyway. */
  turnstileStallMs: 500,
  /** How long a transaction keeps retrying while the database is unreachable before 503. */
  maxUnavailableMs: 3_000,
  unavailableBaseBackoffMs: 25,
  unavailableMaxBackoffMs: 500,
};

/** Read snapshot, write majority, primary: the guarantees every transaction here relies on. */
const DRIVER_TRANSACTION_OPTIONS: DriverTransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
};

const logger = new Logger('Transactions');

/**
 * Process-local turnstile for retries after a write conflict, per transaction name. The
 * losers of a hot document retry one at a time (each entering when the previous retry
 * ended) instead of all at once on timers, where they mostly collide again: every futile
 * attempt costs round trips and server work, and under load makes the winner hold the
 * document longer, which makes more attempts fail. Advisory only: when a lane makes no
 * progress for `turnstileStallMs` (a long body, or one that waits on another transaction of
 * the same name) the next waiter is let in anyway, and no wait outlives the caller's
 * deadline. First attempts never wait here; conflicts with other processes are still
 * retried with jittered backoff, like the driver's withTransaction.
 */
interface Lane {
  inside: number;
  queue: Array<() => void>;
  progressAt: number;
  watchdog?: NodeJS.Timeout;
}

class RetryTurnstile {
  private readonly lanes = new Map<string, Lane>();

  /** Resolves with a `leave` function once it is this caller's turn (or `timeoutMs` passed). */
  enter(name: string, timeoutMs: number): Promise<() => void> {
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = { inside: 0, queue: [], progressAt: performance.now() };
      this.lanes.set(name, lane);
    }
    const l = lane;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      l.inside -= 1;
      l.progressAt = performance.now();
      if (l.inside <= 0) l.queue[0]?.();
      this.gc(name, l);
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
        if (performance.now() - l.progressAt >= transactionDefaults.turnstileStallMs) {
          l.progressAt = performance.now();
          l.queue[0]?.();
        }
        this.gc(name, l);
      }, transactionDefaults.turnstileStallMs);
      l.watchdog.unref();
    });
  }

  private gc(name: string, lane: Lane): void {
    if (lane.inside > 0 || lane.queue.length > 0) return;
    if (lane.watchdog) clearInterval(lane.watchdog);
    if (this.lanes.get(name) === lane) this.lanes.delete(name);
  }
}

const retryTurnstile = new RetryTurnstile();

function storage(connection: Connection): AsyncLocalStorage<TransactionStore> {
  const als = (connection.base as unknown as { transactionAsyncLocalStorage?: AsyncLocalStorage<TransactionStore> }).transactionAsyncLocalStorage;
  if (!als) throw new Error("mongoose 'transactionAsyncLocalStorage' is off; ConcurrencyModule turns it on at init.");
  return als;
}

function activeStore(): TransactionStore | undefined {
  let connection: Connection;
  try {
    connection = currentConnection();
  } catch {
    return undefined;
  }
  const store = storage(connection).getStore();
  return store?.session?.inTransaction() ? store : undefined;
}

/**
 * Runs units of work in MongoDB transactions with the driver's `withTransaction` semantics:
 * the whole body re-runs on TransientTransactionError (write conflicts) with jittered
 * exponential backoff, the commit alone is retried on UnknownTransactionCommitResult, any
 * other error aborts and is rethrown; all bounded by `maxRetryTimeMs`, after which the
 * caller gets 409 `contention`. The session travels in mongoose's AsyncLocalStorage, so
 * every mongoose call in the body joins without a `session` argument.
 *
 * Because the body may run more than once it must not have external side effects (HTTP
 * calls, emits): put them in the outbox.
 */
export class TransactionRunner {
  /** Runs `fn` according to `options.propagation` (default: join or open a transaction). */
  async run<T>(fn: () => Promise<T> | T, options: TransactionOptions = {}): Promise<T> {
    const name = options.name ?? 'transaction';
    const propagation = options.propagation ?? Propagation.REQUIRED;
    const active = activeStore();
    switch (propagation) {
      case Propagation.REQUIRED:
        return active ? fn() : this.runNew(fn, name, options.maxRetryTimeMs);
      case Propagation.REQUIRES_NEW:
        return this.runNew(fn, name, options.maxRetryTimeMs);
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

  /** True when the caller runs inside a transaction. */
  isActive(): boolean {
    return activeStore() !== undefined;
  }

  /** The context of the caller's transaction, if any. */
  current(): TransactionContext | undefined {
    return activeStore()?.context;
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
    let connection: Connection;
    try {
      connection = currentConnection();
    } catch {
      return Promise.resolve().then(fn);
    }
    return storage(connection).run({}, async () => fn());
  }

  private async runNew<T>(fn: () => Promise<T> | T, name: string, maxRetryTimeMs = transactionDefaults.maxRetryTimeMs): Promise<T> {
    const connection = currentConnection();
    const als = storage(connection);
    const started = performance.now();
    const retry: RetryState = { attempt: 0, unavailableAttempts: 0, deadline: started + maxRetryTimeMs };
    const context: TransactionContext = { name, attempt: 0, afterCommit: [], counters: new Map() };
    let session = await connection.startSession();
    let leaveTurnstile: () => void = () => undefined;
    concurrencyMetrics.transactionsStarted.inc({ name });
    let outcome = 'aborted';
    try {
      for (;;) {
        context.afterCommit = [];
        session.startTransaction(DRIVER_TRANSACTION_OPTIONS);
        let result: T;
        try {
          result = await als.run({ session, context }, async () => fn());
        } catch (error) {
          const unavailable = isDatabaseUnavailable(error);
          if (!isTransientTransactionError(error) && !unavailable) {
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
    const ceiling = Math.min(transactionDefaults.baseBackoffMs * transactionDefaults.backoffGrowth ** retry.attempt, transactionDefaults.maxBackoffMs);
    const delay = Math.random() * ceiling;
    if (performance.now() + delay >= retry.deadline) {
      logger.warn(`${context.name}: gave up after ${context.attempt} attempts (write conflicts)`);
      throw new ContentionError({ cause, retryAfterSeconds: 1 });
    }
    await sleep(delay);
    return retryTurnstile.enter(context.name, Math.max(1, retry.deadline - performance.now()));
  }

  /**
   * Backoff after the database was unreachable (network error, cleared pool, no primary),
   * bounded by `maxUnavailableMs` from the first such error, then 503. A server-selection
   * error already waited serverSelectionTimeoutMS, so it is not retried.
   */
  private async unavailableBackoff(context: TransactionContext, retry: RetryState, cause: unknown): Promise<void> {
    const now = performance.now();
    retry.unavailableSince ??= now;
    retry.unavailableAttempts += 1;
    const delay = Math.random() * Math.min(transactionDefaults.unavailableBaseBackoffMs * 2 ** retry.unavailableAttempts, transactionDefaults.unavailableMaxBackoffMs);
    const limit = Math.min(retry.deadline, retry.unavailableSince + transactionDefaults.maxUnavailableMs);
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

/** The process-wide runner: `transactions.run(fn, options)` for the rare non-decorator case. */
export const transactions = new TransactionRunner();
