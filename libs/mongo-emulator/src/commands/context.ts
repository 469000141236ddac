/**
 * What a command handler gets: the parsed command, its database, session and transaction,
 * the read/write view, and helpers for option parsing and waiting on transaction locks.
 */
import type { Socket } from 'node:net';
import { Timestamp } from 'bson';
import { Doc, isNumeric, isPlainObject, toNumber } from '../bson/values';
import { CommandError, err } from '../errors';
import type { EmulatorServer } from '../server';
import type { RetryState, ServerSession } from '../sessions/server-session';
import type { Transaction } from '../sessions/transaction';
import { Blocked, StorageEngine, View } from '../storage/engine';

export interface ConnectionState {
  id: number;
  socket: Socket;
  appName?: string;
  closed: boolean;
  /** Replica set member the connection reached: 0 = the primary, k = secondary k. */
  member?: number;
}

export interface CommandContext {
  server: EmulatorServer;
  engine: StorageEngine;
  conn: ConnectionState;
  name: string;
  db: string;
  body: Doc;
  session?: ServerSession;
  txn?: Transaction;
  /** Read/write view: the transaction, a snapshot time, or latest. */
  view: View;
  /** maxTimeMS deadline (epoch ms). */
  deadline?: number;
  /** Set for readConcern snapshot reads outside transactions: reported back as atClusterTime. */
  atClusterTime?: Timestamp;
  /** The command carries txnNumber outside a transaction. */
  isRetryableWrite: boolean;
  /** Statement outcomes of this retryable write (shared with retries of the same txnNumber). */
  retry?: RetryState;
  /** Set for catalog commands (see dispatcher.ts): enters the change in the commit log, once. */
  logCatalogChange?: () => void;
}

/**
 * A catalog command calls this in the synchronous step that changes the catalog: its entry then
 * precedes every commit that could see the change (a write to a just-created collection, say),
 * so journal replay and change streams see them in that order.
 */
export function catalogChanged(ctx: CommandContext): void {
  ctx.logCatalogChange?.();
}

/** Thrown to drop the connection without a reply (fail points). */
export class CloseConnectionSignal extends Error {}

/**
 * Runs one statement of a write command exactly once per retryable write: a retry
 * (same lsid + txnNumber) returns the recorded outcome instead of executing it again.
 * Also applies the onPrimaryTransactionalWrite fail point around the statement's commit.
 */
export async function onceStatement<T>(ctx: CommandContext, index: number, exec: () => Promise<T>): Promise<T> {
  const retry = ctx.retry;
  if (!retry) return exec();
  if (retry.stmts.has(index)) return retry.stmts.get(index) as T;
  const fp = ctx.server.failPoints.checkTransactionalWrite();
  if (fp && fp.failBeforeCommitExceptionCode !== undefined) {
    if (fp.closeConnection) throw new CloseConnectionSignal('onPrimaryTransactionalWrite');
    throw new CommandError(fp.failBeforeCommitExceptionCode, 'Failing write for test due to failpoint');
  }
  const out = await exec();
  retry.stmts.set(index, out);
  if (fp && fp.closeConnection) throw new CloseConnectionSignal('onPrimaryTransactionalWrite');
  return out;
}

/** Handler signature: returns the reply fields (ok/$clusterTime are added by the dispatcher). */
export type Handler = (ctx: CommandContext) => Promise<Doc> | Doc;

export interface CommandSpec {
  run: Handler;
  /** Allowed inside a multi-document transaction. */
  inTxn?: boolean;
  /** Accepts txnNumber outside a transaction (retryable write). */
  retryableWrite?: boolean;
  /** A write: applies writeConcern. */
  write?: boolean;
  /** Accepts readConcern level snapshot outside transactions. */
  snapshotRead?: boolean;
  /** Must run on the admin database. */
  adminOnly?: boolean;
  /** Touches data or the catalog: a secondary serves it only as a secondaryOk read. */
  needsPrimaryCheck?: boolean;
}

/** Collection name from the command's first field. */
export function collectionName(ctx: CommandContext): string {
  const v = ctx.body[ctx.name];
  if (typeof v !== 'string') {
    throw new CommandError(73, `collection name has invalid type ${v === null ? 'null' : typeof v}`);
  }
  if (v === '') throw new CommandError(73, `Invalid namespace specified '${ctx.db}.'`);
  return v;
}

export function optNumber(body: Doc, field: string, dflt?: number): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return dflt;
  if (!isNumeric(v)) throw new CommandError(14, `BSON field '${field}' is the wrong type '${typeof v}', expected types '[long, int, decimal, double]'`);
  return toNumber(v);
}

export function optBool(body: Doc, field: string, dflt = false): boolean {
  const v = body[field];
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  if (isNumeric(v)) return toNumber(v) !== 0;
  throw new CommandError(14, `BSON field '${field}' is the wrong type, expected type 'bool'`);
}

export function optDoc(body: Doc, field: string): Doc | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw new CommandError(14, `BSON field '${field}' is the wrong type, expected type 'object'`);
  return v;
}

/**
 * Runs a synchronous check-and-apply step; when it meets a document or unique key held by an
 * open transaction, waits for that transaction to end (or the deadline) and runs it again
 * from scratch, re-evaluating its filter against the new state.
 */
export function untilUnblocked<T>(ctx: CommandContext, step: () => T): Promise<T> {
  // not an async function: the usual, unblocked step costs no async frame (every write runs one)
  try {
    return Promise.resolve(step());
  } catch (e) {
    if (!(e instanceof Blocked)) return Promise.reject(e);
    return waitForTxn(ctx, e.txn).then(() => untilUnblocked(ctx, step));
  }
}

async function waitForTxn(ctx: CommandContext, txn: Transaction): Promise<void> {
  if (!txn.isOpen) return;
  const limit = ctx.deadline ?? (ctx.server.options.writeWaitTimeoutMS > 0 ? Date.now() + ctx.server.options.writeWaitTimeoutMS : undefined);
  if (limit === undefined) {
    await txn.done;
    return;
  }
  const remaining = limit - Date.now();
  if (remaining <= 0) throw err.maxTimeMSExpired();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    txn.done.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), remaining);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) throw err.maxTimeMSExpired();
}
