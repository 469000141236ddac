/**
 * Open cursors (find/aggregate/listCollections/listIndexes). Results are materialized when
 * the cursor is opened; getMore hands out the following batches.
 */
import { randomInt } from 'node:crypto';
import { Long } from 'bson';
import { Doc } from './bson/values';
import type { ChangeStreamState } from './commands/change-streams';

export interface Cursor {
  id: bigint;
  ns: string;
  docs: Doc[];
  pos: number;
  sessionKey?: string;
  txnId?: number;
  lastUse: number;
  /** Fields added to every batch reply's cursor document (e.g. atClusterTime). */
  extra?: Doc;
  /** Set for a change stream: getMore reads the commit log instead of `docs`. */
  changeStream?: ChangeStreamState;
}

export class CursorRegistry {
  readonly cursors = new Map<bigint, Cursor>();

  /** Registers the remainder of a result set and returns its id. */
  open(ns: string, docs: Doc[], pos: number, sessionKey?: string, txnId?: number, extra?: Doc): bigint {
    let id: bigint;
    do {
      // random positive int64 above 2^53, like mongod's: drivers keep it a Long
      id = (BigInt(randomInt(0x200000, 0x7fffffff)) << 32n) | BigInt(randomInt(0, 0xffffffff));
    } while (this.cursors.has(id));
    this.cursors.set(id, { id, ns, docs, pos, sessionKey, txnId, lastUse: Date.now(), extra });
    return id;
  }

  get(id: bigint): Cursor | undefined {
    return this.cursors.get(id);
  }

  kill(id: bigint): boolean {
    return this.cursors.delete(id);
  }

  /** Kills cursors idle longer than `ms` (mongod's cursorTimeoutMillis, default 10 min). */
  reap(ms: number): void {
    const limit = Date.now() - ms;
    for (const [id, c] of this.cursors) if (c.lastUse < limit) this.cursors.delete(id);
  }

  killForTxn(txnId: number): void {
    for (const [id, c] of this.cursors) if (c.txnId === txnId) this.cursors.delete(id);
  }
}

export function toLong(id: bigint): Long {
  return Long.fromBigInt(id);
}
