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

/** A document identity (one `_id`) and its history. */
export class DocRecord {
  /** Creation order: natural (insertion) order of the collection. */
  seq = nextSeq++;
  /** The version whose keys the indexes' `latest` trees hold for this record. */
  indexed: Doc | null = null;
  /** Entries this record has in the indexes' `shadow` trees (older versions, pending writes). */
  shadow: Map<CollectionIndex, IndexEntry[]> | undefined = undefined;
  /** Committed versions, oldest first. Empty while only a transaction's pending insert exists. */
  versions: Version[] = [];
  /** The open transaction holding this document's write lock. */
  lock: Transaction | undefined = undefined;
  /** Reads at a time earlier than this cannot be answered any more (history was pruned). */
  floor = 0;

  constructor(
    readonly key: string,
    readonly id: unknown,
  ) {}

  /** Appends a committed version (a record's first version array is allocated at its exact size). */
  addVersion(ts: number, doc: Doc | null): void {
    if (this.versions.length === 0) this.versions = [{ ts, doc }];
    else this.versions.push({ ts, doc });
  }

  latest(): Version | undefined {
    return this.versions[this.versions.length - 1];
  }

  /** The document visible at snapshot time `ts` (undefined = latest committed). */
  visibleAt(ts: number | undefined): Doc | null {
    const v = this.versions;
    if (ts === undefined) return v.length ? v[v.length - 1].doc : null;
    for (let i = v.length - 1; i >= 0; i--) if (v[i].ts <= ts) return v[i].doc;
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
    const was = rec.visibleAt(undefined) !== null;
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
    const v = rec.versions;
    const latest = v.length ? v[v.length - 1].doc : null;
    const pending = rec.lock?.writes.get(this)?.get(rec.key);
    const needsShadow = v.length > 1 || pending !== undefined;
    if (latest === rec.indexed && !needsShadow && rec.shadow === undefined) return;
    for (const ix of this.indexes.values()) {
      if (!ix.latest) continue;
      if (latest !== rec.indexed) {
        ix.removeEntries(ix.latest, rec, rec.indexed);
        ix.addEntries(ix.latest, rec, latest);
      }
      this.syncShadow(ix, rec, needsShadow ? v : undefined, pending);
    }
    rec.indexed = latest;
    if (rec.shadow && rec.shadow.size === 0) rec.shadow = undefined;
  }

  private syncShadow(ix: CollectionIndex, rec: DocRecord, versions: DocRecord['versions'] | undefined, pending: Doc | null | undefined): void {
    const old = rec.shadow?.get(ix);
    if (old) for (const e of old) ix.shadow!.eraseElementByKey(e);
    if (!versions) {
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
    for (let i = 0; i < versions.length - 1; i++) add(versions[i].doc);
    if (pending !== undefined) add(pending);
    if (entries.length) (rec.shadow ??= new Map()).set(ix, entries);
    else rec.shadow?.delete(ix);
  }

  /** Builds the entries of a newly created ordered index from every record. */
  buildIndex(ix: CollectionIndex): void {
    if (!ix.latest) return;
    for (const rec of this.records.values()) {
      ix.addEntries(ix.latest, rec, rec.indexed);
      const v = rec.versions;
      const pending = rec.lock?.writes.get(this)?.get(rec.key);
      if (v.length > 1 || pending !== undefined) this.syncShadow(ix, rec, v, pending);
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
