/**
 * A secondary index definition, its ordered entries, and for unique indexes the versioned key
 * table used to enforce uniqueness under MVCC (committed owner of each key, time of its last
 * change, and keys reserved by open transactions).
 *
 * Ordered entries (ascending/descending key patterns) live in two sorted trees ordered by the
 * compound key in the index's directions, then by record creation order:
 * - `latest`: exactly the keys of every record's latest committed version, so a read of the
 *   latest state walks it in index order and a count over a key range is a rank difference;
 * - `shadow`: keys of older retained versions and of open transactions' pending writes, which
 *   only snapshot and transactional readers need (they re-check each entry against the version
 *   they see). Both trees shrink as history is pruned.
 */
import { OrderedSet } from 'js-sdsl';
import { Collation } from '../bson/collation';
import { Doc, StringCompare, TypeOrder, canonicalKey, compareStrings, compareValues, isNumeric, isPlainObject, setField, toNumber, typeOrder } from '../bson/values';
import { CommandError } from '../errors';
import { compileFilter, Predicate } from '../query/matcher';
import { pathCandidates } from '../query/paths';
import type { Transaction } from '../sessions/transaction';
import type { DocRecord } from './collection';

/**
 * A key position that is not a value: just before (`side` -1) or after (+1) every value of a
 * BSON type order, or (side 0) the key of an empty array, which mongod indexes as undefined.
 */
export class KeyBound {
  constructor(
    readonly order: number,
    readonly side: -1 | 0 | 1,
  ) {}
}

/** The key of an empty array: sorts after MinKey and before null. */
export const EMPTY_ARRAY_KEY = new KeyBound(TypeOrder.MinKey + 0.5, 0);

function orderOf(v: unknown): number {
  return v instanceof KeyBound ? v.order : typeOrder(v);
}

/** Orders two key components (values or bounds); strings by `strCmp`. */
export function compareKeyValues(a: unknown, b: unknown, strCmp: StringCompare): number {
  const aBound = a instanceof KeyBound;
  const bBound = b instanceof KeyBound;
  if (!aBound && !bBound) return compareValues(a, b, strCmp);
  const oa = orderOf(a);
  const ob = orderOf(b);
  if (oa !== ob) return oa < ob ? -1 : 1;
  if (aBound && bBound) return a.side - b.side;
  return aBound ? a.side : -(b as KeyBound).side;
}

/** One entry of an ordered index: a compound key (index field order) and its record. */
export interface IndexEntry {
  key: unknown[];
  rec: DocRecord | undefined;
  /** For probes (rec undefined): before (-1) or after (+1) every entry with this key prefix. */
  side?: -1 | 1;
}

export type EntryTree = OrderedSet<IndexEntry>;

/** Committed state of one unique key. `owner` is the record key holding it (null: free since `ts`). */
export interface KeyEntry {
  owner: string | null;
  ts: number;
}

export interface IndexKey {
  /** Canonical string of the key tuple. */
  str: string;
  /** `{field: value}` for DuplicateKey replies. */
  value: Doc;
}

const EMPTY_ARRAY_MARK = Symbol('emptyArray');

const ALLOWED_OPTIONS = new Set([
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'background',
  'v',
  'collation',
  'hidden',
  'weights',
  'default_language',
  'language_override',
  'textIndexVersion',
  '2dsphereIndexVersion',
  'bits',
  'min',
  'max',
  'wildcardProjection',
  'storageEngine',
  'ns',
]);

export class CollectionIndex {
  readonly name: string;
  readonly key: Doc;
  readonly fields: { path: string; parts: string[] }[];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly expireAfterSeconds?: number;
  private readonly partial?: Predicate;
  /** Committed unique keys (unique indexes only). */
  readonly entries = new Map<string, KeyEntry>();
  /** Keys an open transaction has added or removed (unique indexes only). */
  readonly reserved = new Map<string, Transaction>();
  /** Keys of {@link entries} freed by a commit (owner null), kept until no snapshot can see their owner: what maintenance visits. */
  readonly freed = new Set<string>();
  /** Directions of the key fields (1/-1); undefined when the index is not ordered (text, geo, hashed). */
  readonly dirs?: (1 | -1)[];
  /** Keys of the latest committed version of every record (ordered indexes only). */
  latest?: EntryTree;
  /** Keys of older retained versions and pending transactional writes (ordered indexes only). */
  shadow?: EntryTree;
  /** Some document ever had an array on an indexed path (as mongod's multikey flag, never reset). */
  multikey = false;
  /** The index's collation (undefined: simple); it orders strings and decides unique-key equality. */
  readonly collation?: Collation;
  /** String order of the index (its collation, binary by default). */
  readonly strCmp: StringCompare = compareStrings;
  /** Maps a string to its class under the collation, for unique keys (and record keys, for `_id_`). */
  readonly canon?: (s: string) => string;
  /** Orders entries: key fields in the index's directions, then probes, then record creation order. */
  readonly compareEntries = (a: IndexEntry, b: IndexEntry): number => {
    const ka = a.key;
    const kb = b.key;
    const n = ka.length < kb.length ? ka.length : kb.length;
    for (let i = 0; i < n; i++) {
      const c = compareKeyValues(ka[i], kb[i], this.strCmp);
      if (c !== 0) return this.dirs![i] < 0 ? -c : c;
    }
    const sa = a.rec ? 0 : (a.side ?? 0);
    const sb = b.rec ? 0 : (b.side ?? 0);
    if (sa !== sb) return sa - sb;
    if (a.rec && b.rec) return a.rec.seq - b.rec.seq;
    return 0;
  };

  constructor(readonly spec: Doc) {
    this.name = spec.name as string;
    this.key = spec.key as Doc;
    this.fields = Object.keys(this.key).map((path) => ({ path, parts: path.split('.') }));
    this.unique = spec.unique === true || (isNumeric(spec.unique) && toNumber(spec.unique) !== 0) || this.name === '_id_';
    this.sparse = spec.sparse === true;
    if (spec.expireAfterSeconds !== undefined) this.expireAfterSeconds = toNumber(spec.expireAfterSeconds);
    if (isPlainObject(spec.partialFilterExpression)) this.partial = compileFilter(spec.partialFilterExpression);
    this.collation = Collation.parse(spec.collation);
    if (this.collation) {
      this.strCmp = this.collation.compare;
      this.canon = this.collation.canonicalizer();
    }
    const dirs = Object.values(this.key).map((d) => (isNumeric(d) ? (toNumber(d) < 0 ? -1 : 1) : 0));
    if (this.name !== '_id_' && dirs.every((d) => d !== 0)) {
      this.dirs = dirs as (1 | -1)[];
      this.latest = new OrderedSet<IndexEntry>([], this.compareEntries, true);
      this.shadow = new OrderedSet<IndexEntry>([], this.compareEntries, false);
    }
  }

  /** Whether the planner may use this index for a query that did not name it in `hint`. */
  get plannable(): boolean {
    return this.latest !== undefined && !this.partial && !this.sparse && this.spec.hidden !== true;
  }

  /**
   * The compound keys of `doc` in this index (several when multikey; none when sparse or
   * partial excludes it). A path through an array whose elements lack the field also keys
   * null, since such a document matches `{field: null}`.
   */
  tuples(doc: Doc | null | undefined): unknown[][] {
    if (!doc) return [];
    if (this.partial && !this.partial(doc)) return [];
    const perField: unknown[][] = [];
    let allMissing = true;
    for (const f of this.fields) {
      const cands = pathCandidates(doc, f.parts);
      const vals: unknown[] = [];
      let missing = false;
      let nonExpanded = 0; // more than one: the path went through an array
      for (const c of cands) {
        if (c.expanded) continue;
        nonExpanded++;
        if (c.idx !== undefined) this.multikey = true;
        if (Array.isArray(c.v)) {
          this.multikey = true;
          if (c.v.length === 0) vals.push(EMPTY_ARRAY_KEY);
          else for (const e of c.v) vals.push(e === undefined ? null : e);
        } else if (c.v === undefined) missing = true;
        else vals.push(c.v);
      }
      if (nonExpanded > 1) this.multikey = true;
      if (vals.length) allMissing = false;
      if (missing || vals.length === 0) vals.push(null);
      perField.push(vals);
    }
    if (this.sparse && allMissing) return [];
    if (perField.every((v) => v.length === 1)) return [perField.map((v) => v[0])];
    const out: unknown[][] = [];
    const seen = new Set<string>();
    const rec = (i: number, acc: unknown[]) => {
      if (i === perField.length) {
        const str = acc.map((v) => (v instanceof KeyBound ? 'u' : canonicalKey(v))).join('|');
        if (!seen.has(str)) {
          seen.add(str);
          out.push(acc);
        }
        return;
      }
      for (const v of perField[i]) rec(i + 1, [...acc, v]);
    };
    rec(0, []);
    return out;
  }

  /** Adds (or removes) the entries of `doc` for `rec` in `tree`. */
  addEntries(tree: EntryTree, rec: DocRecord, doc: Doc | null | undefined): void {
    for (const key of this.tuples(doc)) tree.insert({ key, rec });
  }

  removeEntries(tree: EntryTree, rec: DocRecord, doc: Doc | null | undefined): void {
    for (const key of this.tuples(doc)) tree.eraseElementByKey({ key, rec });
  }

  /** Whether `key` is one of the keys of `doc` (a snapshot reader checks shadow entries with it). */
  hasKey(doc: Doc, key: unknown[]): boolean {
    for (const t of this.tuples(doc)) {
      let same = true;
      for (let i = 0; i < t.length && same; i++) same = compareKeyValues(t[i], key[i], this.strCmp) === 0;
      if (same) return true;
    }
    return false;
  }

  /** Validates a createIndexes spec and fills defaults (name, v). */
  static normalizeSpec(raw: unknown): Doc {
    if (!isPlainObject(raw)) throw new CommandError(14, 'Index spec must be an object');
    for (const k of Object.keys(raw)) {
      if (!ALLOWED_OPTIONS.has(k)) {
        throw new CommandError(197, `The field '${k}' is not valid for an index specification. Specification: ${JSON.stringify(raw)}`);
      }
    }
    const key = raw.key;
    if (!isPlainObject(key) || Object.keys(key).length === 0) {
      throw new CommandError(67, "The 'key' field must be a non-empty object");
    }
    for (const [f, d] of Object.entries(key)) {
      if (f === '') throw new CommandError(67, 'Index keys cannot be an empty field.');
      const ok = (isNumeric(d) && toNumber(d) !== 0) || ['text', '2dsphere', '2d', 'hashed', 'geoHaystack'].includes(d as string);
      if (!ok) throw new CommandError(67, `Values in the index key pattern can contain only non-zero numbers or strings, found ${f}: ${String(d)}`);
    }
    const name = typeof raw.name === 'string' ? raw.name : Object.entries(key).map(([f, d]) => `${f}_${isNumeric(d) ? toNumber(d) : d}`).join('_');
    if (raw.partialFilterExpression !== undefined) {
      if (!isPlainObject(raw.partialFilterExpression)) throw new CommandError(67, 'partialFilterExpression must be an object');
      compileFilter(raw.partialFilterExpression);
      if (raw.sparse === true) throw new CommandError(67, 'cannot mix "partialFilterExpression" and "sparse" options');
    }
    if (raw.expireAfterSeconds !== undefined) {
      if (!isNumeric(raw.expireAfterSeconds) || toNumber(raw.expireAfterSeconds) < 0) {
        throw new CommandError(67, 'TTL index \'expireAfterSeconds\' option must be numeric and non-negative');
      }
      if (Object.keys(key).length > 1) throw new CommandError(67, 'TTL indexes are single-field indexes, compound indexes do not support TTL.');
    }
    const spec: Doc = { v: 2, key, name };
    for (const [k, v] of Object.entries(raw)) {
      if (k === 'key' || k === 'name' || k === 'v' || k === 'background' || k === 'ns') continue;
      spec[k] = v;
    }
    if (raw.collation !== undefined) {
      // stored in full, as mongod lists it; the simple collation is the absence of one
      const collation = Collation.parse(raw.collation);
      if (collation) spec.collation = collation.spec;
      else delete spec.collation;
    }
    return spec;
  }

  /** Whether two specs describe the same index options (ignoring name). */
  sameOptions(other: Doc): boolean {
    const norm = (s: Doc) =>
      canonicalKey({
        unique: s.unique === true || (isNumeric(s.unique) && toNumber(s.unique) !== 0) ? true : undefined,
        sparse: s.sparse === true ? true : undefined,
        partialFilterExpression: s.partialFilterExpression,
        expireAfterSeconds: s.expireAfterSeconds === undefined ? undefined : toNumber(s.expireAfterSeconds),
        collation: s.collation,
      });
    return norm(this.spec) === norm(other);
  }

  /** The index keys of a document (several for multikey), or none when sparse/partial excludes it. */
  keysOf(doc: Doc | null | undefined): IndexKey[] {
    if (!doc) return [];
    if (this.partial && !this.partial(doc)) return [];
    const perField: unknown[][] = [];
    let allMissing = true;
    for (const f of this.fields) {
      const vals: unknown[] = [];
      for (const c of pathCandidates(doc, f.parts)) {
        if (c.expanded) continue;
        if (Array.isArray(c.v)) {
          if (c.v.length === 0) vals.push(EMPTY_ARRAY_MARK);
          else vals.push(...c.v);
        } else vals.push(c.v);
      }
      const present = vals.filter((v) => v !== undefined);
      if (present.length) allMissing = false;
      perField.push(present.length ? present : [null]);
    }
    if (this.sparse && allMissing) return [];
    const out = new Map<string, IndexKey>();
    const rec = (i: number, acc: unknown[]) => {
      if (i === perField.length) {
        const str = acc.map((v) => (v === EMPTY_ARRAY_MARK ? 'u' : canonicalKey(v, this.canon))).join('|');
        if (!out.has(str)) {
          const value: Doc = {};
          this.fields.forEach((f, k) => setField(value, f.path, acc[k] === EMPTY_ARRAY_MARK ? undefined : acc[k]));
          out.set(str, { str, value });
        }
        return;
      }
      for (const v of perField[i]) rec(i + 1, [...acc, v]);
    };
    rec(0, []);
    return [...out.values()];
  }
}
