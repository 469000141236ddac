/**
 * The single ordered log of committed changes (the emulator's oplog). Every commit — a
 * non-transactional write, a transaction's commit, a catalog change — appends one entry at its
 * commit time; the journal (durability) and change streams both read it, so what survives a
 * restart and what a change stream reports are the same sequence. Nothing uncommitted ever
 * enters it: a transaction's writes arrive together, in statement order, at commit.
 */
import { Doc } from '../bson/values';
import type { Collection } from './collection';

/** One document change. `doc === null` is a delete; `prev === null` an insert. */
export interface DocChange {
  kind: 'doc';
  coll: Collection;
  id: unknown;
  prev: Doc | null;
  doc: Doc | null;
  /** The write replaced the whole document (a replacement-style update). */
  replace?: boolean;
}

/**
 * A catalog command that succeeded (create, drop, createIndexes, ...). `command` is the command
 * as sent (minus session fields), so the journal can replay it; `dropped` lists the
 * collections that a drop/dropDatabase/rename removed (for change-stream drop events).
 */
export interface CatalogChange {
  kind: 'catalog';
  db: string;
  command: Doc;
  dropped: string[];
}

export type Change = DocChange | CatalogChange;

export interface CommitEntry {
  /** Commit time (the engine clock). */
  ts: number;
  /** Wall-clock time of the commit (epoch ms). */
  wallMs: number;
  changes: Change[];
  /** Set when the entry is a multi-document transaction's commit. */
  txn?: { sessionKey: string; txnNumber: number };
}

export type CommitListener = (entry: CommitEntry) => void;

/**
 * History is kept only once someone reads it (the first change stream), so a server nobody
 * watches pays nothing per write beyond telling its listeners; a resume point from before
 * that is refused as lost history, never served incompletely.
 */
export class CommitLog {
  private readonly entries: CommitEntry[] = [];
  private head = 0;
  private readonly listeners = new Set<CommitListener>();
  private retaining = false;
  /** Entries at or before this time were dropped: a reader that needs them has lost history. */
  floorTs = 0;

  constructor(
    /** Entries kept for change-stream resumption. */
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
  ) {}

  /** Whether a commit must build its entry: someone listens or history is kept. */
  get active(): boolean {
    return this.retaining || this.listeners.size > 0;
  }

  /** Appends an entry and tells every listener synchronously (before the commit returns). */
  append(entry: CommitEntry): void {
    for (const l of this.listeners) l(entry);
    if (!this.retaining) {
      this.floorTs = entry.ts;
      return;
    }
    this.entries.push(entry);
    this.trim(entry.wallMs);
  }

  /** A commit nobody needs the entry of (see {@link active}). */
  skip(ts: number): void {
    this.floorTs = ts;
  }

  /** Keeps history from now on (called when the first reader appears). */
  retain(): void {
    this.retaining = true;
  }

  /** Forgets every entry: nothing at or before `floorTs` can be read any more (a restart). */
  reset(floorTs: number): void {
    this.entries.length = 0;
    this.head = 0;
    this.floorTs = floorTs;
  }

  subscribe(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Entries with commit time > `ts`, oldest first. */
  since(ts: number): CommitEntry[] {
    const e = this.entries;
    let lo = this.head;
    let hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (e[mid].ts <= ts) lo = mid + 1;
      else hi = mid;
    }
    return e.slice(lo);
  }

  /** Time of the oldest entry still kept (undefined: empty). */
  get oldestTs(): number | undefined {
    return this.entries[this.head]?.ts;
  }

  private trim(nowMs: number): void {
    const limit = nowMs - this.maxAgeMs;
    while (this.entries.length - this.head > this.maxEntries || (this.head < this.entries.length && this.entries[this.head].wallMs < limit)) {
      this.floorTs = this.entries[this.head].ts;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.head = 0;
    }
  }
}
