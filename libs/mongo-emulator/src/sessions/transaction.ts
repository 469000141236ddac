/**
 * A multi-document transaction's private state: its snapshot time, pending writes (invisible
 * to everyone else until commit), the document locks it holds and the unique-index keys it
 * reserved. The commit/abort mechanics live in StorageEngine; this is the bookkeeping.
 */
import { Doc } from '../bson/values';
import type { Collection, DocRecord } from '../storage/collection';
import type { CollectionIndex } from '../storage/collection-index';
import type { Change } from '../storage/commit-log';

export type TxnState = 'inProgress' | 'committed' | 'aborted';

let nextId = 1;

export class Transaction {
  readonly id = nextId++;
  /** Pending document states by collection and record key (`null` = deleted). */
  readonly writes = new Map<Collection, Map<string, Doc | null>>();
  /** Every write and catalog change (DDL in the transaction) in statement order: the commit log entry this transaction commits. */
  readonly ops: Change[] = [];
  /** Records whose write lock this transaction holds. */
  readonly locked: DocRecord[] = [];
  /** The transaction's own view of unique keys: key → owning record key, or null when it freed the key. */
  readonly localKeys = new Map<CollectionIndex, Map<string, string | null>>();
  readonly startedAt = Date.now();
  state: TxnState = 'inProgress';
  /** Why the server aborted it (reported in NoSuchTransaction messages). */
  abortReason?: string;
  /** Collections this transaction created: invisible to others until commit, dropped on abort. */
  readonly createdCollections: Collection[] = [];
  /** readConcern level the transaction started with (explicit DDL needs 'local'). */
  readConcernLevel?: string;
  /** Cursors opened inside the transaction (killed when it ends). */
  readonly cursorIds = new Set<bigint>();
  /** Resolves when the transaction commits or aborts (non-transactional writers wait on it). */
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    /** Hex id of the owning session. */
    readonly sessionKey: string,
    readonly txnNumber: number,
    /** Reads see committed versions with commit time ≤ this. */
    public snapshotTs: number,
  ) {
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  get isOpen(): boolean {
    return this.state === 'inProgress';
  }

  pendingFor(coll: Collection): Map<string, Doc | null> {
    let m = this.writes.get(coll);
    if (!m) {
      m = new Map();
      this.writes.set(coll, m);
    }
    return m;
  }

  localKeysFor(index: CollectionIndex): Map<string, string | null> {
    let m = this.localKeys.get(index);
    if (!m) {
      m = new Map();
      this.localKeys.set(index, m);
    }
    return m;
  }

  /** Marks the transaction finished and wakes everything waiting on it. */
  finish(state: 'committed' | 'aborted', reason?: string): void {
    this.state = state;
    if (reason) this.abortReason = reason;
    this.resolveDone();
  }
}
