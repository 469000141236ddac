/**
 * A collection: documents keyed by canonical `_id`, each with a short MVCC version chain,
 * plus its index definitions. Reads resolve a version for a snapshot time; writes go through
 * {@link StorageEngine} so that locks, unique keys and commit times stay consistent.
 */
import { randomUUID } from 'node:crypto';
import { Binary, UUID } from 'bson';
import { Collation } from '../bson/collation';
import { Doc, canonicalKey } from '../bson/values';
import type { Transaction } from '../sessions/transaction';
import { CollectionIndex, IndexEntry } from './collection-index';

/** One committed state of a document; `doc === null` is a deletion (tombstone). */
export interface Version {
  ts: number;
  doc: Doc | null;
}

let nextSeq = 1;

/**
 * A document identity (one `_id`) and its history. The latest committed version lives in the
 * record's own fields and only older ones in an array: most records have no history, and a
 * version array per record was three more heap objects for every major GC to mark.
 */
export class DocRecord {
  /** Creation order: natural (insertion) order of the collection. */
  seq = nextSeq++;
  /** The version whose keys the indexes' `latest` trees hold for this record. */
  indexed: Doc | null = null;
  /** Entries this record has in the indexes' `shadow` trees (older versions, pending writes). */
  shadow: Map<CollectionIndex, IndexEntry[]> | undefined = undefined;
  /** Commit time of the latest committed version; 0 while only a transaction's pending insert exists. */
  ts = 0;
  /** The latest committed version (null: deleted, or nothing committed yet). */
  doc: Doc | null = null;
  /** Older committed versions still kept, oldest first; undefined when there are none. */
  older: Version[] | undefined = undefined;
  /** The open transaction holding this document's write lock. */
  lock: Transaction | undefined = undefined;
  /** Reads at a time earlier than this cannot be answered any more (history was pruned). */
  floor = 0;

  constructor(
    readonly key: string,
    readonly id: unknown,
  ) {}

  /** Whether a version was ever committed (a pending insert has none). */
  get committed(): boolean {
    return this.ts !== 0;
  }

  /** The number of committed versions kept. */
  get versionCount(): number {
    return this.ts === 0 ? 0 : 1 + (this.older?.length ?? 0);
  }

  /** Committed versions kept, oldest first (a new array: for the paths that walk history). */
  versions(): Version[] {
    if (this.ts === 0) return [];
    const out = this.older ? [...this.older] : [];
    out.push({ ts: this.ts, doc: this.doc });
    return out;
  }

  /** Appends a committed version. */
  addVersion(ts: number, doc: Doc | null): void {
    if (this.ts !== 0) (this.older ??= []).push({ ts: this.ts, doc: this.doc });
    this.ts = ts;
    this.doc = doc;
  }

  /** Forgets the `n` oldest versions (never the latest). */
  dropOldest(n: number): void {
    if (!this.older || n <= 0) return;
    if (n >= this.older.length) this.older = undefined;
    else this.older.splice(0, n);
  }

  /** The document visible at snapshot time `ts` (undefined = latest committed). */
  visibleAt(ts: number | undefined): Doc | null {
    if (ts === undefined || this.ts <= ts) return this.doc;
    const v = this.older;
    if (v) for (let i = v.length - 1; i >= 0; i--) if (v[i].ts <= ts) return v[i].doc;
    return null;
  }
}

export interface CollectionOptions {
  validator?: Doc;
  validationLevel?: string;
  validationAction?: string;
  capped?: boolean;
  [k: string]: unknown;
}

export class Collection {
  readonly records = new Map<string, DocRecord>();
  /**
   * Records holding history some reader may still need (older versions, a tombstone): the
   * only ones periodic maintenance visits, so its cost follows the writes, not the data size.
   */
  readonly withHistory = new Set<DocRecord>();
  readonly indexes = new Map<string, CollectionIndex>();
  readonly uuid: Binary;
  options: CollectionOptions;
  /** The default collation (create's `collation` option); undefined = simple. */
  readonly collation?: Collation;
  /**
   * The open transaction that created this collection: until it commits, nobody else sees
   * the collection (MongoDB ≥ 4.4), and if it aborts the collection vanishes.
   */
  pendingTxn: Transaction | undefined = undefined;
  /** Cluster time at which the collection became visible (a transaction with an older snapshot cannot write it). */
  createdTs = 0;
  /** Documents in the latest committed state: a count without a filter reads no document. */
  liveCount = 0;

  constructor(
    readonly dbName: string,
    readonly name: string,
    options: CollectionOptions = {},
  ) {
    this.collation = Collation.parse(options.collation);
    this.options = this.collation ? { ...options, collation: this.collation.spec } : options;
    if (!this.collation && options.collation !== undefined) {
      const { collation: _simple, ...rest } = options;
      this.options = rest;
    }
    this.uuid = new UUID(randomUUID());
    this.indexes.set('_id_', new CollectionIndex({ v: 2, key: { _id: 1 }, name: '_id_', ...(this.collation ? { collation: this.collation.spec } : {}) }));
  }

  /** The record key of an `_id`: equal for `_id`s the `_id` index (with the default collation) finds equal. */
  recordKey(id: unknown): string {
    // through the `_id` index, which travels with the records when a collection is renamed
    return canonicalKey(id, this.indexes.get('_id_')!.canon);
  }

  /** Appends a committed version to `rec` (every commit goes through here, keeping {@link liveCount}). */
  commitVersion(rec: DocRecord, ts: number, doc: Doc | null): void {
    const was = rec.doc !== null;
    rec.addVersion(ts, doc);
    if (was !== (doc !== null)) this.liveCount += doc ? 1 : -1;
  }

  /** Whether `txn` (undefined: outside a transaction) may see this collection. */
  visibleTo(txn: Transaction | undefined): boolean {
    return this.pendingTxn === undefined || this.pendingTxn === txn || !this.pendingTxn.isOpen;
  }

  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  /** Indexes that keep ordered entries. */
  orderedIndexes(): CollectionIndex[] {
    const out: CollectionIndex[] = [];
    for (const ix of this.indexes.values()) if (ix.latest) out.push(ix);
    return out;
  }

  /**
   * Brings every ordered index in line with `rec`'s current state: its latest committed version
   * in the `latest` trees, older retained versions and a pending transactional write in the
   * `shadow` trees. Called after anything changes a record's versions or pending write.
   */
  syncIndexes(rec: DocRecord): void {
    const latest = rec.doc;
    const pending = rec.lock?.writes.get(this)?.get(rec.key);
    const needsShadow = rec.older !== undefined || pending !== undefined;
    if (latest === rec.indexed && !needsShadow && rec.shadow === undefined) return;
    for (const ix of this.indexes.values()) {
      if (!ix.latest) continue;
      if (latest !== rec.indexed) {
        ix.removeEntries(ix.latest, rec, rec.indexed);
        ix.addEntries(ix.latest, rec, latest);
      }
      this.syncShadow(ix, rec, needsShadow ? (rec.older ?? []) : undefined, pending);
    }
    rec.indexed = latest;
    if (rec.shadow && rec.shadow.size === 0) rec.shadow = undefined;
  }

  /** Puts in `ix`'s shadow tree the keys of `older` versions and of a pending write (undefined: none of either). */
  private syncShadow(ix: CollectionIndex, rec: DocRecord, older: Version[] | undefined, pending: Doc | null | undefined): void {
    const old = rec.shadow?.get(ix);
    if (old) for (const e of old) ix.shadow!.eraseElementByKey(e);
    if (!older) {
      rec.shadow?.delete(ix);
      return;
    }
    const entries: IndexEntry[] = [];
    const add = (doc: Doc | null | undefined) => {
      for (const key of ix.tuples(doc)) {
        const e = { key, rec };
        if (ix.shadow!.find(e).equals(ix.shadow!.end())) {
          ix.shadow!.insert(e);
          entries.push(e);
        }
      }
    };
    for (const v of older) add(v.doc);
    if (pending !== undefined) add(pending);
    if (entries.length) (rec.shadow ??= new Map()).set(ix, entries);
    else rec.shadow?.delete(ix);
  }

  /** Builds the entries of a newly created ordered index from every record. */
  buildIndex(ix: CollectionIndex): void {
    if (!ix.latest) return;
    for (const rec of this.records.values()) {
      ix.addEntries(ix.latest, rec, rec.indexed);
      const pending = rec.lock?.writes.get(this)?.get(rec.key);
      if (rec.older !== undefined || pending !== undefined) this.syncShadow(ix, rec, rec.older ?? [], pending);
    }
  }

  /** Removes a record from every index tree (it left the collection). */
  unindex(rec: DocRecord): void {
    for (const ix of this.indexes.values()) {
      if (!ix.latest) continue;
      ix.removeEntries(ix.latest, rec, rec.indexed);
      this.syncShadow(ix, rec, undefined, undefined);
    }
    rec.indexed = null;
    rec.shadow = undefined;
  }

  /** Unique secondary indexes (the `_id` index is enforced by the record map itself). */
  uniqueIndexes(): CollectionIndex[] {
    const out: CollectionIndex[] = [];
    for (const ix of this.indexes.values()) if (ix.unique && ix.name !== '_id_') out.push(ix);
    return out;
  }
}
