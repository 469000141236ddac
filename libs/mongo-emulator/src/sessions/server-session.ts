/**
 * Server-side logical sessions: the transaction number high-water mark, the current or
 * last transaction, the retryable-write reply cache and the checkout queue that runs one
 * operation of a session at a time (as mongod checks a session out per operation).
 */
import { Binary } from 'bson';
import { Doc, bsonTypeOf } from '../bson/values';
import type { Transaction } from './transaction';

/** What a retryable write already executed, so a retry does not execute it again. */
export interface RetryState {
  txnNumber: number;
  stmts: Map<number, unknown>;
}

export class ServerSession {
  lastUse = Date.now();
  /** Highest txnNumber seen (-1: none). */
  txnNumber = -1;
  /** The transaction for the current (or a past) txnNumber. */
  txn?: Transaction;
  /** Outcomes of the statements of the retryable write with this txnNumber (stmt index → result). */
  retry?: RetryState;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly key: string,
    readonly lsid: Doc,
  ) {}

  /** Runs `fn` after every earlier operation of this session has finished. */
  checkout<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

/** Hex key of an lsid document (`{id: UUID}`), or undefined when it is malformed. */
export function lsidKey(lsid: unknown): string | undefined {
  if (!lsid || typeof lsid !== 'object') return undefined;
  const id = (lsid as Doc).id;
  if (bsonTypeOf(id) !== 'Binary') return undefined;
  const b = id as Binary;
  const uid = (lsid as Doc).uid;
  const suffix = bsonTypeOf(uid) === 'Binary' ? ':' + (uid as Binary).toString('hex') : '';
  return b.toString('hex') + suffix;
}

export class SessionRegistry {
  readonly sessions = new Map<string, ServerSession>();

  get(lsid: Doc, key: string): ServerSession {
    let s = this.sessions.get(key);
    if (!s) {
      s = new ServerSession(key, lsid);
      this.sessions.set(key, s);
    }
    s.lastUse = Date.now();
    return s;
  }
}
