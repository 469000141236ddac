/**
 * The MVCC storage engine: catalog, snapshot reads, document-level write locks held by
 * transactions, unique-index enforcement, commit/abort, history pruning and the TTL monitor.
 *
 * Every write primitive here is synchronous, so a command's check-and-apply is atomic (JS is
 * single-threaded). A non-transactional write that meets a document or unique key held by an
 * open transaction throws {@link Blocked}; the command layer waits for that transaction to end
 * and re-evaluates. A transactional write that meets another transaction's lock, or a document
 * committed after its snapshot, fails with WriteConflict and its transaction is aborted.
 */
import { BSON } from 'bson';
import { Doc, TypeOrder, compareValues, getField, isPlainObject } from '../bson/values';
import { formatValue } from '../bson/format';
import { CommandError, err } from '../errors';
import { compileFilter } from '../query/matcher';
import { Transaction } from '../sessions/transaction';
import { Clock } from './clock';
import { Collection, CollectionOptions, DocRecord } from './collection';
import { PlanOptions, ScanPlan, planScan } from './planner';
import { CollectionIndex, EntryTree, IndexEntry, IndexKey, KeyBound } from './collection-index';
import { CommitLog } from './commit-log';
import { ValuePool } from './value-pool';
import { checkCappedWrite, trimCapped } from './capped';

/** Where a read or write happens: inside a transaction, at a snapshot time, or on the latest state. */
export interface View {
  txn?: Transaction;
  /** Snapshot time for reads outside transactions (readConcern snapshot); undefined = latest. */
  ts?: number;
  /** bypassDocumentValidation was set on the write command. */
  bypassValidation?: boolean;
  /** The write is a replacement-style update (change streams report `replace`). */
  replace?: boolean;
}

const MAX_DOC = 16 * 1024 * 1024;

/** Thrown by a non-transactional write that must wait for `txn` to end, then retry. */
export class Blocked {
  constructor(readonly txn: Transaction) {}
}

export interface EngineOptions {
  /** How long history is kept for `atClusterTime` reads. */
  historyWindowMs: number;
  /** Cap on versions kept per document beyond what open transactions need. */
  maxVersionsPerDoc: number;
  /** Commit-log entries kept for change-stream resumption (default 10 000). */
  commitLogMaxEntries?: number;
}

/** A visible document and its record. */
export interface Row {
  rec: DocRecord;
  doc: Doc;
}

export class StorageEngine {
  readonly clock = new Clock();
  readonly dbs = new Map<string, Map<string, Collection>>();
  readonly openTxns = new Set<Transaction>();
  /** Snapshot reads earlier than this may miss pruned history → SnapshotTooOld. */
  private globalFloor = 0;
  /** Snapshot read times in use (see pinSnapshot) → when last used (ms). */
  private readonly snapshotPins = new Map<number, number>();
  /** Called when the engine aborts a transaction on its own (conflict, drop, reaper). */
  onAbort?: (txn: Transaction) => void;
  /** Every commit, in commit order: feeds the journal and change streams. */
  readonly log: CommitLog;
  /** Equal leaf values of stored documents, shared (see ValuePool). */
  readonly values = new ValuePool();

  constructor(readonly options: EngineOptions) {
    this.log = new CommitLog(options.commitLogMaxEntries ?? 10_000, Math.max(options.historyWindowMs, 60_000));
    // a resume point from before this engine existed cannot be served
    this.log.floorTs = this.clock.now();
  }

  /** Records a successful catalog command in the commit log at a new commit time. */
  logCatalog(db: string, command: Doc, dropped: string[]): void {
    const ts = this.clock.tick();
    if (this.log.active) this.log.append({ ts, wallMs: Date.now(), changes: [{ kind: 'catalog', db, command, dropped }] });
    else this.log.skip(ts);
  }

  // ---------------------------------------------------------------- catalog

  collection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /**
   * Gets or implicitly creates a collection (as an insert or createIndexes does). Inside a
   * transaction the creation is part of the transaction; a collection another open
   * transaction created is off limits until that transaction ends (wait, or WriteConflict
   * for a transaction).
   */
  ensureCollection(db: string, name: string, options?: CollectionOptions, view?: View): { coll: Collection; created: boolean } {
    const existing = this.collection(db, name);
    const txn = view?.txn;
    if (existing) {
      this.checkCatalogAccess(existing, txn);
      return { coll: existing, created: false };
    }
    validateCollectionName(db, name);
    if (txn) {
      if (db === 'admin' || db === 'config' || db === 'local' || name.startsWith('system.')) {
        throw new CommandError(263, `Cannot create namespace ${db}.${name} in multi-document transaction.`);
      }
    }
    let colls = this.dbs.get(db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(db, colls);
    }
    const coll = new Collection(db, name, options);
    colls.set(name, coll);
    if (txn) {
      coll.pendingTxn = txn;
      txn.createdCollections.push(coll);
    } else coll.createdTs = this.clock.tick();
    return { coll, created: true };
  }

  /**
   * A collection created by another open transaction: a transaction gets WriteConflict (and
   * is aborted), anything else waits for that transaction to end ({@link Blocked}). A
   * transaction whose snapshot predates the collection cannot write to it either.
   */
  checkCatalogAccess(coll: Collection, txn: Transaction | undefined): void {
    const owner = coll.pendingTxn;
    if (owner && owner.isOpen && owner !== txn) {
      if (txn) this.conflict(txn, `collection ${coll.ns} is being created by another transaction`);
      throw new Blocked(owner);
    }
    if (txn && !owner && coll.createdTs > txn.snapshotTs) {
      this.abort(txn, `collection ${coll.ns} was created after the transaction's snapshot`);
      throw new CommandError(246, `Unable to write to collection '${coll.ns}' due to catalog changes; please retry the operation`);
    }
  }

  /**
   * Writes to a view fail like mongod (CommandNotSupportedOnView, 166); writes in a
   * transaction that ended meanwhile (reaper, conflict, endSessions) fail with NoSuchTransaction.
   */
  writable(coll: Collection, view: View): Collection {
    if (coll.options.viewOn !== undefined) throw new CommandError(166, `Namespace ${coll.ns} is a view, not a collection`);
    if (view.txn && !view.txn.isOpen) {
      throw new CommandError(251, `Transaction with { txnNumber: ${view.txn.txnNumber} } has been aborted.${view.txn.abortReason ? ` (${view.txn.abortReason})` : ''}`);
    }
    return coll;
  }

  dropCollection(db: string, name: string): boolean {
    const coll = this.collection(db, name);
    if (!coll) return false;
    for (const txn of [...this.openTxns]) {
      if (txn.writes.has(coll)) this.abort(txn, `collection ${coll.ns} was dropped`);
    }
    this.dbs.get(db)!.delete(name);
    if (this.dbs.get(db)!.size === 0) this.dbs.delete(db);
    return true;
  }

  dropDatabase(db: string): void {
    const colls = this.dbs.get(db);
    if (!colls) return;
    for (const name of [...colls.keys()]) this.dropCollection(db, name);
    this.dbs.delete(db);
  }

  // ---------------------------------------------------------------- reads

  /** Fails with SnapshotTooOld when `ts` is older than the kept history. */
  checkSnapshotTime(ts: number): void {
    if (ts < this.globalFloor) {
      throw new CommandError(239, `Read timestamp ${formatValue(Clock.toTimestamp(ts))} is older than the oldest available timestamp.`);
    }
  }

  /** The document of `rec` as `view` sees it (a transaction sees its own pending writes). */
  read(coll: Collection, rec: DocRecord, view: View): Doc | null {
    const txn = view.txn;
    if (txn) {
      const pending = txn.writes.get(coll)?.get(rec.key);
      if (pending !== undefined) return pending;
      return rec.visibleAt(txn.snapshotTs);
    }
    if (view.ts !== undefined && view.ts < rec.floor) {
      throw new CommandError(239, `Read timestamp is older than the oldest available history of a document.`);
    }
    return rec.visibleAt(view.ts);
  }

  /** How a read of `filter` walks `coll` (see planner.ts). */
  plan(coll: Collection, filter: unknown, opts?: PlanOptions): ScanPlan {
    return planScan(coll, filter, opts);
  }

  /** Visible documents in plan order; a superset of the matches (callers apply the filter). */
  scanDocs(coll: Collection | undefined, view: View, filter?: unknown, opts?: PlanOptions): Doc[] {
    if (!coll) return [];
    const out: Doc[] = [];
    for (const row of this.rows(coll, view, this.plan(coll, filter, opts))) out.push(row.doc);
    return out;
  }

  /**
   * Visible documents, in natural order or in the order of the index the planner picks for
   * `filter`. The result is a superset of the matches: callers apply the full filter.
   */
  scan(coll: Collection | undefined, view: View, filter?: unknown, opts?: PlanOptions): Row[] {
    if (!coll) return [];
    return [...this.rows(coll, view, this.plan(coll, filter, opts))];
  }

  /**
   * The visible records `plan` walks, each once, in plan order. A plan pinned by `_id` yields
   * a few records at most: they come as an array, since resuming a generator per row is most
   * of the cost of a findOne or an update by `_id`; scans stay lazy so a limit stops them early.
   */
  rows(coll: Collection, view: View, plan: ScanPlan): Iterable<Row> {
    if (!plan.ids) return this.scanRows(coll, view, plan);
    const out: Row[] = [];
    const latestView = !view.txn && view.ts === undefined;
    for (const rec of plan.ids) {
      const doc = latestView ? rec.visibleAt(undefined) : this.read(coll, rec, view);
      if (doc) out.push({ rec, doc });
    }
    return out;
  }

  private *scanRows(coll: Collection, view: View, plan: ScanPlan): Generator<Row> {
    const latestView = !view.txn && view.ts === undefined;
    if (plan.ix && plan.intervals) {
      const ix = plan.ix;
      const seen = ix.multikey || !latestView ? new Set<DocRecord>() : undefined;
      for (const [from, to] of plan.reverse ? [...plan.intervals].reverse() : plan.intervals) {
        const entries = latestView
          ? walk(ix.latest!, from, to, plan.reverse, ix.compareEntries)
          : merge(walk(ix.latest!, from, to, plan.reverse, ix.compareEntries), walk(ix.shadow!, from, to, plan.reverse, ix.compareEntries), ix.compareEntries, plan.reverse);
        for (const e of entries) {
          const rec = e.rec!;
          if (seen?.has(rec)) continue;
          if (latestView) {
            seen?.add(rec);
            yield { rec, doc: rec.indexed! };
            continue;
          }
          const doc = this.read(coll, rec, view);
          if (!doc) continue;
          // an entry of another version of this record: the one this view sees is elsewhere
          if ((rec.older !== undefined || rec.lock) && !ix.hasKey(doc, e.key)) continue;
          seen!.add(rec);
          yield { rec, doc };
        }
      }
      return;
    }
    let recs: Iterable<DocRecord> = coll.records.values();
    if (plan.byId) recs = [...coll.records.values()].sort((a, b) => compareValues(a.id, b.id));
    else if (plan.naturalReverse) recs = [...coll.records.values()].reverse();
    if (latestView) {
      // latest committed state: the last version of each record
      for (const rec of recs) if (rec.doc) yield { rec, doc: rec.doc };
      return;
    }
    for (const rec of recs) {
      const doc = this.read(coll, rec, view);
      if (doc) yield { rec, doc };
    }
  }

  /**
   * The number of matches of an exact plan on the latest state, from the index alone (rank
   * differences in the `latest` tree); undefined when the documents must be read.
   */
  countExact(plan: ScanPlan, view: View): number | undefined {
    const ix = plan.ix;
    if (!plan.exact || !ix || ix.multikey || !plan.intervals || view.txn || view.ts !== undefined) return undefined;
    const tree = ix.latest!;
    const rank = (probe: IndexEntry) => {
      const it = tree.lowerBound(probe);
      return it.equals(tree.end()) ? tree.size() : it.index;
    };
    let n = 0;
    for (const [from, to] of plan.intervals) n += Math.max(0, rank(to) - rank(from));
    return n;
  }

  // ---------------------------------------------------------------- writes

  /** Inserts `doc` (which must carry `_id`). */
  insert(coll: Collection, doc: Doc, view: View): void {
    this.writable(coll, view);
    const key = coll.recordKey(doc._id);
    let rec = coll.records.get(key);
    const txn = view.txn;
    if (rec) {
      if (txn) {
        this.checkTxnCanWrite(coll, rec, txn);
        if (this.read(coll, rec, view)) throw duplicateKey(coll, coll.indexes.get('_id_')!, { _id: doc._id });
      } else {
        if (rec.lock) throw new Blocked(rec.lock);
        if (rec.doc) throw duplicateKey(coll, coll.indexes.get('_id_')!, { _id: doc._id });
      }
    } else {
      rec = new DocRecord(key, doc._id);
    }
    this.write(coll, rec, null, doc, view);
    if (coll.options.capped) trimCapped(this, coll);
  }

  /** Replaces the document of `rec` (as seen by `view`) with `next`. */
  update(coll: Collection, rec: DocRecord, prev: Doc, next: Doc, view: View): void {
    this.writable(coll, view);
    if (view.txn) this.checkTxnCanWrite(coll, rec, view.txn);
    else if (rec.lock) throw new Blocked(rec.lock);
    this.write(coll, rec, prev, next, view);
  }

  /** Deletes the document of `rec`. */
  remove(coll: Collection, rec: DocRecord, prev: Doc, view: View): void {
    this.writable(coll, view);
    if (view.txn) this.checkTxnCanWrite(coll, rec, view.txn);
    else if (rec.lock) throw new Blocked(rec.lock);
    this.write(coll, rec, prev, null, view);
  }

  /**
   * A transaction may write a document only if no other transaction holds it and nobody
   * committed a newer version after its snapshot (first committer wins). Otherwise the
   * transaction is aborted and the write fails with WriteConflict.
   */
  private checkTxnCanWrite(coll: Collection, rec: DocRecord, txn: Transaction): void {
    if (rec.lock && rec.lock !== txn) this.conflict(txn, `document in ${coll.ns} is locked by another transaction`);
    if (rec.lock !== txn) {
      if (rec.ts > txn.snapshotTs) this.conflict(txn, `document in ${coll.ns} was changed after the transaction's snapshot`);
    }
  }

  conflict(txn: Transaction, why: string): never {
    this.abort(txn, `write conflict: ${why}`);
    throw err.writeConflict();
  }

  private validate(coll: Collection, prev: Doc | null, next: Doc): void {
    const v = coll.options.validator;
    if (!v || !isPlainObject(v) || coll.options.validationLevel === 'off') return;
    const pred = compileFilter(v);
    if (pred(next)) return;
    if (coll.options.validationLevel === 'moderate' && prev && !pred(prev)) return;
    if (coll.options.validationAction === 'warn') return;
    throw new CommandError(121, 'Document failed validation', {
      errInfo: { failingDocumentId: next._id, details: { operatorName: Object.keys(v)[0] ?? '$and', specifiedAs: v, reason: 'filter did not match' } },
    });
  }

  private write(coll: Collection, rec: DocRecord, prev: Doc | null, next: Doc | null, view: View): void {
    if (coll.options.capped) checkCappedWrite(coll, view, prev, next);
    if (next) {
      const size = BSON.calculateObjectSize(next);
      if (size > MAX_DOC) {
        throw prev
          ? new CommandError(17419, `Resulting document after update is larger than ${MAX_DOC}`)
          : new CommandError(2, `object to insert too large. size in bytes: ${size}, max size: ${MAX_DOC}`);
      }
      if (!view.bypassValidation) this.validate(coll, prev, next);
    }
    const txn = view.txn;
    const changes: { ix: CollectionIndex; added: IndexKey[]; removed: IndexKey[] }[] = [];
    for (const ix of coll.uniqueIndexes()) {
      const before = ix.keysOf(prev);
      const after = ix.keysOf(next);
      const beforeSet = new Set(before.map((k) => k.str));
      const afterSet = new Set(after.map((k) => k.str));
      const added = after.filter((k) => !beforeSet.has(k.str));
      const removed = before.filter((k) => !afterSet.has(k.str));
      if (added.length === 0 && removed.length === 0) continue;
      for (const k of added) {
        if (txn) {
          const local = txn.localKeys.get(ix)?.get(k.str);
          if (local !== undefined) {
            if (local !== null && local !== rec.key) throw duplicateKey(coll, ix, k.value);
            continue;
          }
          const holder = ix.reserved.get(k.str);
          if (holder && holder !== txn && holder.isOpen) this.conflict(txn, `unique key in ${coll.ns} index ${ix.name} is reserved by another transaction`);
          const e = ix.entries.get(k.str);
          if (e && e.ts > txn.snapshotTs) this.conflict(txn, `unique key in ${coll.ns} index ${ix.name} changed after the transaction's snapshot`);
          if (e?.owner && e.owner !== rec.key) throw duplicateKey(coll, ix, k.value);
        } else {
          const holder = ix.reserved.get(k.str);
          if (holder && holder.isOpen) throw new Blocked(holder);
          const e = ix.entries.get(k.str);
          if (e?.owner && e.owner !== rec.key) throw duplicateKey(coll, ix, k.value);
        }
      }
      changes.push({ ix, added, removed });
    }

    // All checks passed: apply.
    if (coll.records.get(rec.key) !== rec) {
      coll.records.delete(rec.key);
      coll.records.set(rec.key, rec);
    }
    if (txn) {
      if (rec.lock !== txn) {
        rec.lock = txn;
        txn.locked.push(rec);
      }
      txn.pendingFor(coll).set(rec.key, next);
      txn.ops.push({ kind: 'doc', coll, id: rec.id, prev, doc: next, replace: view.replace });
      for (const { ix, added, removed } of changes) {
        const local = txn.localKeysFor(ix);
        for (const k of removed) {
          local.set(k.str, null);
          ix.reserved.set(k.str, txn);
        }
        for (const k of added) {
          local.set(k.str, rec.key);
          ix.reserved.set(k.str, txn);
        }
      }
      coll.syncIndexes(rec);
      return;
    }
    const ts = this.clock.tick();
    if (next) this.values.shareLeaves(next);
    coll.commitVersion(rec, ts, next);
    if (this.log.active) this.log.append({ ts, wallMs: Date.now(), changes: [{ kind: 'doc', coll, id: rec.id, prev, doc: next, replace: view.replace }] });
    else this.log.skip(ts);
    for (const { ix, added, removed } of changes) {
      for (const k of removed) {
        const e = ix.entries.get(k.str);
        if (e && e.owner === rec.key) {
          ix.entries.set(k.str, { owner: null, ts });
          ix.freed.add(k.str);
        }
      }
      for (const k of added) ix.entries.set(k.str, { owner: rec.key, ts });
    }
    this.prune(coll, rec);
  }

  // ---------------------------------------------------------------- transactions

  begin(sessionKey: string, txnNumber: number, snapshotTs?: number): Transaction {
    const txn = new Transaction(sessionKey, txnNumber, snapshotTs ?? this.clock.now());
    this.openTxns.add(txn);
    return txn;
  }

  /** Makes all of the transaction's writes visible at one new commit time. Cannot fail. */
  commit(txn: Transaction): void {
    if (!txn.isOpen) return;
    let ts: number | undefined;
    if (txn.writes.size > 0 || txn.ops.length > 0) {
      ts = this.clock.tick();
      for (const [coll, writes] of txn.writes) {
        for (const [key, doc] of writes) {
          const rec = coll.records.get(key);
          if (!rec) continue;
          if (doc) this.values.shareLeaves(doc);
          coll.commitVersion(rec, ts, doc);
        }
      }
      for (const [ix, local] of txn.localKeys) {
        for (const [k, owner] of local) {
          ix.entries.set(k, { owner, ts });
          if (owner === null) ix.freed.add(k);
          if (ix.reserved.get(k) === txn) ix.reserved.delete(k);
        }
      }
    }
    for (const coll of txn.createdCollections) {
      if (coll.pendingTxn !== txn) continue;
      coll.pendingTxn = undefined;
      coll.createdTs = ts ?? this.clock.tick();
    }
    this.release(txn);
    this.openTxns.delete(txn);
    if (ts !== undefined) {
      if (this.log.active) this.log.append({ ts, wallMs: Date.now(), changes: txn.ops, txn: { sessionKey: txn.sessionKey, txnNumber: txn.txnNumber } });
      else this.log.skip(ts);
    }
    txn.finish('committed');
    if (ts !== undefined) {
      for (const [coll, writes] of txn.writes) {
        for (const key of writes.keys()) {
          const rec = coll.records.get(key);
          if (rec) this.prune(coll, rec);
        }
      }
    }
  }

  /** Discards the transaction's writes and releases its locks and reserved keys. */
  abort(txn: Transaction, reason?: string): void {
    if (!txn.isOpen) return;
    for (const [ix, local] of txn.localKeys) {
      for (const k of local.keys()) if (ix.reserved.get(k) === txn) ix.reserved.delete(k);
    }
    this.release(txn);
    for (const [coll, writes] of txn.writes) {
      for (const key of writes.keys()) {
        const rec = coll.records.get(key);
        if (!rec) continue;
        if (!rec.committed && !rec.lock) {
          coll.records.delete(key);
          coll.unindex(rec);
        } else coll.syncIndexes(rec);
      }
    }
    for (const coll of txn.createdCollections) {
      if (coll.pendingTxn !== txn) continue;
      const colls = this.dbs.get(coll.dbName);
      if (colls?.get(coll.name) === coll) {
        colls.delete(coll.name);
        if (colls.size === 0) this.dbs.delete(coll.dbName);
      }
    }
    txn.writes.clear();
    txn.ops.length = 0;
    txn.localKeys.clear();
    this.openTxns.delete(txn);
    txn.finish('aborted', reason);
    this.onAbort?.(txn);
  }

  private release(txn: Transaction): void {
    for (const rec of txn.locked) if (rec.lock === txn) rec.lock = undefined;
    txn.locked.length = 0;
  }

  // ---------------------------------------------------------------- history

  /**
   * Keeps the history a readConcern snapshot read at `ts` needs (its later reads pass the same
   * atClusterTime) until it has gone unused for `historyWindowMs`.
   */
  pinSnapshot(ts: number): void {
    this.snapshotPins.set(ts, Date.now());
  }

  /**
   * Oldest time some reader may still need: the snapshot of the oldest open transaction or of
   * a recently used snapshot read; with neither, only the latest versions are kept.
   */
  private horizon(): { horizon: number; oldestTxn: number } {
    let oldestTxn = Infinity;
    for (const t of this.openTxns) if (t.snapshotTs < oldestTxn) oldestTxn = t.snapshotTs;
    let oldest = Math.min(oldestTxn, this.clock.now());
    if (this.snapshotPins.size) {
      const expired = Date.now() - this.options.historyWindowMs;
      for (const [ts, used] of this.snapshotPins) {
        if (used < expired) this.snapshotPins.delete(ts);
        else if (ts < oldest) oldest = ts;
      }
    }
    return { horizon: oldest, oldestTxn };
  }

  /** Drops versions no reader can need any more, and brings the record's index entries up to date. */
  prune(coll: Collection, rec: DocRecord): void {
    this.dropHistory(coll, rec);
    if (coll.records.get(rec.key) !== rec) {
      coll.withHistory.delete(rec);
      return;
    }
    coll.syncIndexes(rec);
    if (rec.older !== undefined || (rec.committed && rec.doc === null)) coll.withHistory.add(rec);
    else coll.withHistory.delete(rec);
  }

  private dropHistory(coll: Collection, rec: DocRecord): void {
    if (rec.older === undefined && !(rec.committed && rec.doc === null)) return;
    const v = rec.versions();
    const { horizon, oldestTxn } = this.horizon();
    let j = -1;
    for (let i = v.length - 1; i >= 0; i--) {
      if (v[i].ts <= horizon) {
        j = i;
        break;
      }
    }
    let drop = j > 0 ? j : 0;
    if (v.length - drop > this.options.maxVersionsPerDoc) {
      // bounded history: keep at least the version visible to the oldest open transaction
      let keepFrom = v.length - this.options.maxVersionsPerDoc;
      for (let i = v.length - 1; i >= 0; i--) {
        if (v[i].ts <= oldestTxn) {
          keepFrom = Math.min(keepFrom, i);
          break;
        }
      }
      drop = Math.max(drop, keepFrom);
    }
    if (drop > 0) {
      rec.dropOldest(drop);
      rec.floor = Math.max(rec.floor, v[drop].ts);
      if (horizon > this.globalFloor && j > 0) this.globalFloor = horizon;
    }
    if (rec.older === undefined && rec.doc === null && rec.ts <= horizon && !rec.lock) {
      if (coll.records.get(rec.key) === rec) coll.records.delete(rec.key);
      coll.unindex(rec);
      if (horizon > this.globalFloor) this.globalFloor = horizon;
    }
  }

  /**
   * Periodic maintenance: prunes the records that still hold history (old versions,
   * tombstones) and drops freed unique keys no snapshot can need. Only those are visited —
   * a scan of every record stalled every request for tens of ms each second once the
   * database held a few hundred thousand documents.
   */
  maintain(): void {
    const { horizon } = this.horizon();
    for (const colls of this.dbs.values()) {
      for (const coll of colls.values()) {
        for (const rec of [...coll.withHistory]) this.prune(coll, rec);
        for (const ix of coll.uniqueIndexes()) {
          for (const k of [...ix.freed]) {
            const e = ix.entries.get(k);
            if (e?.owner !== null) ix.freed.delete(k);
            else if (e.ts <= horizon && !ix.reserved.has(k)) {
              ix.entries.delete(k);
              ix.freed.delete(k);
            }
          }
        }
      }
    }
  }

  /**
   * Deletes documents whose TTL index date has expired (like mongod's TTLMonitor). An ordered
   * TTL index is walked over its expired dates only, as mongod does: walking every record of
   * an outbox or session collection each second stalled every request once they held a few
   * hundred thousand documents that were nowhere near expiry.
   */
  sweepTtl(nowMs = Date.now()): number {
    let removed = 0;
    for (const colls of this.dbs.values()) {
      for (const coll of colls.values()) {
        for (const ix of coll.indexes.values()) {
          if (ix.expireAfterSeconds === undefined) continue;
          const cutoff = nowMs - ix.expireAfterSeconds * 1000;
          const parts = ix.fields[0].parts;
          for (const rec of ix.latest ? expiredEntries(ix, cutoff) : [...coll.records.values()]) {
            if (rec.lock) continue;
            const doc = rec.visibleAt(undefined);
            if (!doc) continue;
            const expiry = ttlDate(doc, parts);
            if (expiry === undefined || expiry > cutoff) continue;
            this.remove(coll, rec, doc, {});
            removed++;
          }
        }
      }
    }
    return removed;
  }
}

/**
 * The records with a date at or before `cutoff` in the single-field ordered index `ix` (a
 * multikey record once, through its earliest date); collected before any is deleted.
 */
function expiredEntries(ix: CollectionIndex, cutoff: number): Set<DocRecord> {
  const beforeDates: IndexEntry = { key: [new KeyBound(TypeOrder.Date, -1)], rec: undefined, side: -1 };
  const atCutoff: IndexEntry = { key: [new Date(cutoff)], rec: undefined, side: 1 };
  // a descending index holds the same range from the cutoff back to the earliest date
  const [from, to] = ix.dirs![0] > 0 ? [beforeDates, atCutoff] : [{ ...atCutoff, side: -1 as const }, { ...beforeDates, side: 1 as const }];
  const out = new Set<DocRecord>();
  for (const e of walk(ix.latest!, from, to, false, ix.compareEntries)) out.add(e.rec!);
  return out;
}

function ttlDate(doc: Doc, parts: string[]): number | undefined {
  let cur: unknown = doc;
  for (const p of parts) {
    if (!isPlainObject(cur)) return undefined;
    cur = getField(cur, p);
  }
  if (cur instanceof Date) return cur.getTime();
  if (Array.isArray(cur)) {
    const dates = cur.filter((x): x is Date => x instanceof Date).map((d) => d.getTime());
    return dates.length ? Math.min(...dates) : undefined;
  }
  return undefined;
}

/** DuplicateKey (11000) in mongod's shape: errmsg plus keyPattern and keyValue. */
export function duplicateKey(coll: Collection, ix: CollectionIndex, keyValue: Doc): CommandError {
  const shown: Doc = {};
  for (const [k, v] of Object.entries(keyValue)) shown[k] = v === undefined ? null : v;
  return new CommandError(11000, `E11000 duplicate key error collection: ${coll.ns} index: ${ix.name} dup key: ${formatValue(shown)}`, {
    keyPattern: ix.key,
    keyValue: shown,
  });
}

function validateCollectionName(db: string, name: string): void {
  if (!name || name.includes('$') || name.startsWith('.') || name.includes('\0')) {
    throw new CommandError(73, `Invalid collection name: ${db}.${name}`);
  }
  if (!db || /[/\\. "$]/.test(db)) throw new CommandError(73, `Invalid database name: '${db}'`);
}

/** Entries of `tree` in [from, to), forwards or (reverse) backwards. */
function* walk(tree: EntryTree, from: IndexEntry, to: IndexEntry, reverse: boolean | undefined, cmp: (a: IndexEntry, b: IndexEntry) => number): Generator<IndexEntry> {
  if (tree.size() === 0) return;
  if (!reverse) {
    const end = tree.end();
    for (const it = tree.lowerBound(from); !it.equals(end); it.next()) {
      const e = it.pointer;
      if (cmp(e, to) >= 0) return;
      yield e;
    }
    return;
  }
  const it = tree.reverseLowerBound(to);
  if (it.equals(tree.end())) return;
  const begin = tree.begin();
  for (;;) {
    const e = it.pointer;
    if (cmp(e, from) < 0) return;
    if (cmp(e, to) < 0) yield e;
    if (it.equals(begin)) return;
    it.pre();
  }
}

/** Merges two ordered entry streams (the latest and shadow trees) into one. */
function* merge(a: Generator<IndexEntry>, b: Generator<IndexEntry>, cmp: (x: IndexEntry, y: IndexEntry) => number, reverse: boolean | undefined): Generator<IndexEntry> {
  let x = a.next();
  let y = b.next();
  while (!x.done || !y.done) {
    if (y.done || (!x.done && (reverse ? cmp(x.value, y.value) >= 0 : cmp(x.value, y.value) <= 0))) {
      yield x.value as IndexEntry;
      x = a.next();
    } else {
      yield y.value as IndexEntry;
      y = b.next();
    }
  }
}
