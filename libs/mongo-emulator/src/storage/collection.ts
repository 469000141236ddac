/**
 * A collection: documents keyed by canonical `_id`, each with a short MVCC version chain,
 * plus its index definitions. Reads resolve a version for a snapshot time; writes go through
 * {@link StorageEngine} so that locks, unique keys and commit times stay consistent.
 */
import { randomUUID } from 'node:crypto';
import { Binary, UUID } from 'bson';
import { Doc } from '../bson/values';
import type { Transaction } from '../sessions/transaction';
import { CollectionIndex } from './collection-index';

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
  /** Index postings this record is registered under (index → first-field keys). */
  postings: Map<CollectionIndex, Set<string>> | undefined = undefined;
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
  readonly indexes = new Map<string, CollectionIndex>();
  readonly uuid: Binary;
  options: CollectionOptions;
  /**
   * The open transaction that created this collection: until it commits, nobody else sees
   * the collection (MongoDB ≥ 4.4), and if it aborts the collection vanishes.
   */
  pendingTxn: Transaction | undefined = undefined;
  /** Cluster time at which the collection became visible (a transaction with an older snapshot cannot write it). */
  createdTs = 0;

  constructor(
    readonly dbName: string,
    readonly name: string,
    options: CollectionOptions = {},
  ) {
    this.options = options;
    this.uuid = new UUID(randomUUID());
    this.indexes.set('_id_', new CollectionIndex({ v: 2, key: { _id: 1 }, name: '_id_' }));
  }

  /** Whether `txn` (undefined: outside a transaction) may see this collection. */
  visibleTo(txn: Transaction | undefined): boolean {
    return this.pendingTxn === undefined || this.pendingTxn === txn || !this.pendingTxn.isOpen;
  }

  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  /**
   * Registers `doc` (a new committed version or a pending transactional write of `rec`) in
   * the equality postings of the plannable indexes. Postings are a superset: a record stays
   * listed under every value any of its retained versions or pending write has.
   */
  addPostings(rec: DocRecord, doc: Doc | null): void {
    if (!doc) return;
    for (const ix of this.indexes.values()) {
      if (!ix.postings) continue;
      for (const k of ix.firstFieldKeys(doc)) {
        let set = ix.postings.get(k);
        if (!set) {
          set = new Set();
          ix.postings.set(k, set);
        }
        set.add(rec);
        rec.postings ??= new Map();
        let mine = rec.postings.get(ix);
        if (!mine) {
          mine = new Set();
          rec.postings.set(ix, mine);
        }
        mine.add(k);
      }
    }
  }

  /** Recomputes a record's postings from its retained versions and pending write. */
  refreshPostings(rec: DocRecord, pending: Doc | null | undefined): void {
    if (!rec.postings) return;
    const docs = rec.versions.map((v) => v.doc);
    if (pending !== undefined) docs.push(pending);
    for (const [ix, mine] of rec.postings) {
      const keep = new Set<string>();
      for (const d of docs) if (d) for (const k of ix.firstFieldKeys(d)) keep.add(k);
      for (const k of mine) {
        if (keep.has(k)) continue;
        const set = ix.postings?.get(k);
        set?.delete(rec);
        if (set && set.size === 0) ix.postings!.delete(k);
        mine.delete(k);
      }
    }
  }

  /** Removes a record from every posting (it left the collection). */
  dropPostings(rec: DocRecord): void {
    if (!rec.postings) return;
    for (const [ix, mine] of rec.postings) {
      for (const k of mine) {
        const set = ix.postings?.get(k);
        set?.delete(rec);
        if (set && set.size === 0) ix.postings!.delete(k);
      }
    }
    rec.postings = undefined;
  }

  /** Builds the postings of a newly created index from every record. */
  buildPostings(ix: CollectionIndex, pendingOf: (rec: DocRecord) => Doc | null | undefined): void {
    if (!ix.postings) return;
    for (const rec of this.records.values()) {
      for (const v of rec.versions) this.addPostingsFor(ix, rec, v.doc);
      const p = pendingOf(rec);
      if (p) this.addPostingsFor(ix, rec, p);
    }
  }

  private addPostingsFor(ix: CollectionIndex, rec: DocRecord, doc: Doc | null): void {
    if (!doc) return;
    for (const k of ix.firstFieldKeys(doc)) {
      let set = ix.postings!.get(k);
      if (!set) {
        set = new Set();
        ix.postings!.set(k, set);
      }
      set.add(rec);
      rec.postings ??= new Map();
      let mine = rec.postings.get(ix);
      if (!mine) {
        mine = new Set();
        rec.postings.set(ix, mine);
      }
      mine.add(k);
    }
  }

  /** Unique secondary indexes (the `_id` index is enforced by the record map itself). */
  uniqueIndexes(): CollectionIndex[] {
    const out: CollectionIndex[] = [];
    for (const ix of this.indexes.values()) if (ix.unique && ix.name !== '_id_') out.push(ix);
    return out;
  }
}
