/**
 * Chooses how a read walks a collection, like mongod's planner in miniature:
 * - a pinned `_id` (`{_id: v}`, `$eq`, `$in`) reads those records directly;
 * - otherwise the ordered index whose key pattern the filter bounds best: equality (`v`, `$eq`,
 *   `$in`) on a prefix of its fields, then a range (`$gt/$gte/$lt/$lte`) on the next one, and
 *   whose order can give the requested sort (fields after the equality prefix, all in the
 *   index's directions or all reversed);
 * - `hint` forces an index (or `$natural`), and the scan then returns the index's order.
 *
 * Bounds are a superset of the matches — callers always apply the full filter to the visible
 * document — except when `exact`: then every entry in the bounds matches, so a count over a
 * non-multikey index is a rank difference and reads no document.
 */
import { Doc, TypeOrder, bsonTypeOf, canonicalKey, compareValues, getField, isNumeric, isPlainObject, toNumber, typeOrder } from '../bson/values';
import { pinnedIds } from '../query/matcher';
import { Collection, DocRecord } from './collection';
import { CollectionIndex, IndexEntry, KeyBound } from './collection-index';

export interface ScanPlan {
  /** Records pinned by `_id`, in `_id` order. */
  ids?: DocRecord[];
  /** Walk every record in `_id` order (a hint of the `_id` index). */
  byId?: boolean;
  /** Natural order reversed (`hint: {$natural: -1}`). */
  naturalReverse?: boolean;
  ix?: CollectionIndex;
  /** [from, to) probe pairs, in the order the walk visits them. */
  intervals?: [IndexEntry, IndexEntry][];
  /** Walk each interval from its end backwards. */
  reverse?: boolean;
  /** The walk yields rows in the order the requested sort asks for. */
  sorted: boolean;
  /** Entries in the bounds are exactly the matches (no other condition in the filter). */
  exact: boolean;
}

export interface PlanOptions {
  sort?: unknown;
  hint?: unknown;
  /** Canonical key of the query's collation ('' for simple): an index orders strings by its own. */
  collation?: string;
}

const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte']);
const MAX_INTERVALS = 1000;

type FieldBound =
  | { kind: 'points'; values: unknown[]; exact: boolean }
  | { kind: 'range'; lo: unknown; loInc: boolean; hi: unknown; hiInc: boolean; empty: boolean; exact: boolean };

function isRegex(v: unknown): boolean {
  return v instanceof RegExp || bsonTypeOf(v) === 'BSONRegExp';
}

/** A value an equality bound can use as a key point (arrays match elements too; regexes are patterns). */
function pointable(v: unknown): boolean {
  return !Array.isArray(v) && !isRegex(v) && v !== undefined;
}

/** Values whose range bounds within their type are exact: the matcher brackets by type the same way. */
function rangeable(v: unknown): boolean {
  const o = typeOrder(v);
  if (o === TypeOrder.Number) return !Number.isNaN(toNumber(v));
  return o === TypeOrder.String || o === TypeOrder.Date || o === TypeOrder.ObjectId || o === TypeOrder.Boolean || o === TypeOrder.Timestamp;
}

function typeLow(v: unknown): unknown {
  return typeOrder(v) === TypeOrder.Number ? -Infinity : new KeyBound(typeOrder(v), -1);
}

function typeHigh(v: unknown): unknown {
  return typeOrder(v) === TypeOrder.Number ? Infinity : new KeyBound(typeOrder(v), 1);
}

/** Conditions the filter puts on `path`: the top-level one and those inside a top-level $and. */
function conditionsOn(filter: Doc, path: string, out: unknown[] = []): unknown[] {
  const own = getField(filter, path);
  if (own !== undefined) out.push(own);
  if (Array.isArray(filter.$and)) for (const sub of filter.$and) if (isPlainObject(sub)) conditionsOn(sub, path, out);
  return out;
}

function boundOf(cond: unknown, multikey: boolean): FieldBound | undefined {
  if (!isPlainObject(cond) || Object.keys(cond).length === 0 || !Object.keys(cond)[0].startsWith('$')) {
    if (!pointable(cond)) return undefined;
    return { kind: 'points', values: [cond], exact: true };
  }
  const ops = Object.keys(cond);
  if ('$eq' in cond) {
    if (!pointable(cond.$eq)) return undefined;
    return { kind: 'points', values: [cond.$eq], exact: ops.length === 1 };
  }
  if (Array.isArray(cond.$in)) {
    if (!cond.$in.every(pointable)) return undefined;
    return { kind: 'points', values: cond.$in, exact: ops.length === 1 };
  }
  // a range on a multikey field may be met by different elements on each side: not a bound
  if (multikey) return undefined;
  const range = ops.filter((op) => RANGE_OPS.has(op));
  if (range.length === 0) return undefined;
  let lo: unknown;
  let hi: unknown;
  let loInc = true;
  let hiInc = true;
  const exact = range.length === ops.length;
  let bracket: number | undefined;
  let empty = false;
  for (const op of range) {
    const v = cond[op];
    if (!rangeable(v)) return undefined;
    const o = typeOrder(v);
    if (bracket !== undefined && bracket !== o) empty = true;
    bracket = o;
    if (op === '$gt' || op === '$gte') {
      if (lo === undefined || compareValues(v, lo) > 0 || (compareValues(v, lo) === 0 && op === '$gt')) {
        lo = v;
        loInc = op === '$gte';
      }
    } else if (hi === undefined || compareValues(v, hi) < 0 || (compareValues(v, hi) === 0 && op === '$lt')) {
      hi = v;
      hiInc = op === '$lte';
    }
  }
  if (lo === undefined) lo = typeLow(hi);
  if (hi === undefined) hi = typeHigh(lo);
  if (isNumeric(lo) && isNumeric(hi) && compareValues(lo, hi) > 0) empty = true;
  return { kind: 'range', lo, loInc, hi, hiInc, empty, exact };
}

interface Candidate {
  ix: CollectionIndex;
  /** Number of leading fields bounded (a range counts half). */
  score: number;
  sorted: boolean;
  reverse: boolean;
  exact: boolean;
  intervals: [IndexEntry, IndexEntry][];
}

function sortFields(sort: unknown): [string, number][] | undefined {
  if (!isPlainObject(sort)) return undefined;
  const out: [string, number][] = [];
  for (const [k, d] of Object.entries(sort)) {
    if (!isNumeric(d)) return undefined;
    out.push([k, toNumber(d) < 0 ? -1 : 1]);
  }
  return out;
}

/** Bounds, order and exactness of walking `ix` for `filter`. */
function consider(ix: CollectionIndex, filter: Doc, sort: [string, number][] | undefined): Candidate {
  const dirs = ix.dirs!;
  const bounds: FieldBound[] = [];
  let exact = !ix.multikey;
  const covered = new Set<string>();
  for (const f of ix.fields) {
    const conds = conditionsOn(filter, f.path);
    if (conds.length === 0) break;
    const b = boundOf(conds[0], ix.multikey);
    if (!b) {
      exact = false;
      break;
    }
    if (conds.length > 1 || !b.exact) exact = false;
    if (conds.length === 1 && b.exact && getField(filter, f.path) !== undefined) covered.add(f.path);
    bounds.push(b);
    if (b.kind === 'range') break;
  }
  for (const k of Object.keys(filter)) if (!covered.has(k)) exact = false;

  // cartesian product of the point lists, then the range (if any) on the last bounded field
  let prefixes: unknown[][] = [[]];
  let score = 0;
  let range: Extract<FieldBound, { kind: 'range' }> | undefined;
  for (const b of bounds) {
    if (b.kind === 'range') {
      range = b;
      score += 0.5;
      break;
    }
    const values = dedupe(b.values);
    if (prefixes.length * values.length > MAX_INTERVALS) {
      exact = false;
      break;
    }
    const next: unknown[][] = [];
    for (const p of prefixes) for (const v of values) next.push([...p, v]);
    prefixes = next;
    score += 1;
  }
  const intervals: [IndexEntry, IndexEntry][] = [];
  if (!range || !range.empty) {
    for (const p of prefixes) {
      if (!range) {
        intervals.push([{ key: p, rec: undefined, side: -1 }, { key: p, rec: undefined, side: 1 }]);
        continue;
      }
      const k = p.length;
      const lo: IndexEntry = { key: [...p, range.lo], rec: undefined, side: range.loInc ? -1 : 1 };
      const hi: IndexEntry = { key: [...p, range.hi], rec: undefined, side: range.hiInc ? 1 : -1 };
      if (dirs[k] < 0) intervals.push([{ ...hi, side: range.hiInc ? -1 : 1 }, { ...lo, side: range.loInc ? 1 : -1 }]);
      else intervals.push([lo, hi]);
    }
  }
  intervals.sort((a, b) => ix.compareEntries(a[0], b[0]));

  // sort order: fields pinned to one value drop out; the rest must follow the index from
  // the first field that is not pinned, all in its directions or all reversed
  let sorted = sort === undefined || sort.length === 0;
  let reverse = false;
  if (!sorted && !ix.multikey) {
    const pinned = new Set<string>();
    for (let i = 0; i < bounds.length; i++) {
      const b = bounds[i];
      if (b.kind === 'points' && dedupe(b.values).length === 1) pinned.add(ix.fields[i].path);
      else break;
    }
    const rest = sort!.filter(([f]) => !pinned.has(f));
    let start = 0;
    while (start < ix.fields.length && pinned.has(ix.fields[start].path)) start++;
    sorted = true;
    let sign = 0;
    for (let i = 0; i < rest.length && sorted; i++) {
      const f = ix.fields[start + i];
      if (!f || f.path !== rest[i][0]) {
        sorted = false;
        break;
      }
      const s = rest[i][1] * dirs[start + i];
      if (sign === 0) sign = s;
      else if (s !== sign) sorted = false;
    }
    reverse = sorted && sign < 0;
  }
  return { ix, score, sorted, reverse, exact, intervals };
}

function dedupe(values: unknown[]): unknown[] {
  if (values.length < 2) return values;
  const seen = new Map<string, unknown>();
  for (const v of values) seen.set(canonicalKey(v === undefined ? null : v), v);
  return [...seen.values()];
}

function collationKey(ix: CollectionIndex): string {
  return ix.collation?.key ?? '';
}

function hinted(coll: Collection, hint: unknown): CollectionIndex | '$natural' | undefined {
  if (hint === undefined || hint === null) return undefined;
  if (typeof hint === 'string') return coll.indexes.get(hint);
  if (!isPlainObject(hint) || Object.keys(hint).length === 0) return undefined;
  if ('$natural' in hint) return '$natural';
  const want = canonicalKey(hint);
  for (const ix of coll.indexes.values()) if (canonicalKey(ix.key) === want) return ix;
  return undefined;
}

/** The plan of a read of `filter` (undefined filter: every document). */
export function planScan(coll: Collection, filter: unknown, opts: PlanOptions = {}): ScanPlan {
  const plan = planFor(coll, filter, opts);
  // a sort no index can give (`{$meta: 'textScore'}`) is the caller's to do
  if (plan.sorted && sortFields(opts.sort) === undefined && isPlainObject(opts.sort) && Object.keys(opts.sort).length > 0) plan.sorted = false;
  return plan;
}

function planFor(coll: Collection, filter: unknown, opts: PlanOptions): ScanPlan {
  const f: Doc = isPlainObject(filter) ? filter : {};
  const sort = sortFields(opts.sort);
  const hint = hinted(coll, opts.hint);
  if (hint === '$natural') {
    const dir = isPlainObject(opts.hint) ? toNumber(opts.hint.$natural) : 1;
    return { sorted: false, exact: false, naturalReverse: dir < 0 };
  }
  if (hint && hint.name === '_id_') return { byId: true, sorted: false, exact: false };
  // the record map is keyed by the collection's collation: other collations must scan
  if (!hint && (opts.collation ?? '') === (coll.collation?.key ?? '')) {
    const ids = pinnedIds(f);
    if (ids) return { ids: pinnedRecords(coll, ids), sorted: false, exact: false };
  }
  const queryCollation = opts.collation ?? '';
  let best: Candidate | undefined;
  for (const ix of hint ? [hint] : coll.indexes.values()) {
    if (!ix.latest || (!hint && !ix.plannable)) continue;
    // an index orders strings by its collation; it bounds and sorts only reads that use the same
    if (collationKey(ix) !== queryCollation) {
      if (hint) return { sorted: false, exact: false };
      continue;
    }
    const c = consider(ix, f, sort);
    if (!hint && c.score === 0 && !(c.sorted && sort?.length)) continue;
    if (!best || better(c, best)) best = c;
  }
  if (!best) return { sorted: sort === undefined || sort.length === 0, exact: false };
  return { ix: best.ix, intervals: best.intervals, reverse: best.reverse, sorted: best.sorted, exact: best.exact };
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (a.sorted !== b.sorted) return a.sorted;
  if (a.ix.unique !== b.ix.unique) return a.ix.unique;
  return a.ix.fields.length < b.ix.fields.length;
}

function pinnedRecords(coll: Collection, ids: unknown[]): DocRecord[] {
  if (ids.length === 1) {
    const rec = coll.records.get(coll.recordKey(ids[0]));
    return rec ? [rec] : [];
  }
  const seen = new Set<string>();
  const recs: DocRecord[] = [];
  const sorted = ids.length > 1 ? [...ids].sort((a, b) => compareValues(a, b)) : ids;
  for (const id of sorted) {
    const key = coll.recordKey(id);
    if (seen.has(key)) continue;
    seen.add(key);
    const rec = coll.records.get(key);
    if (rec) recs.push(rec);
  }
  return recs;
}
