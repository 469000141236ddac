/**
 * A secondary index definition plus, for unique indexes, the versioned key table used to
 * enforce uniqueness under MVCC (committed owner of each key, time of its last change, and
 * keys reserved by open transactions).
 */
import { Doc, canonicalKey, isNumeric, isPlainObject, toNumber } from '../bson/values';
import { CommandError } from '../errors';
import { compileFilter, Predicate } from '../query/matcher';
import { pathCandidates } from '../query/paths';
import type { Transaction } from '../sessions/transaction';
import type { DocRecord } from './collection';

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
  /**
   * Equality postings on the first key field (canonical value → records), used to narrow
   * scans; undefined for indexes that cannot answer equality for every document
   * (sparse, partial, text/geo, and the `_id` index which the record map already serves).
   */
  readonly postings?: Map<string, Set<DocRecord>>;
  private readonly firstParts: string[];

  constructor(readonly spec: Doc) {
    this.name = spec.name as string;
    this.key = spec.key as Doc;
    this.fields = Object.keys(this.key).map((path) => ({ path, parts: path.split('.') }));
    this.unique = spec.unique === true || (isNumeric(spec.unique) && toNumber(spec.unique) !== 0) || this.name === '_id_';
    this.sparse = spec.sparse === true;
    if (spec.expireAfterSeconds !== undefined) this.expireAfterSeconds = toNumber(spec.expireAfterSeconds);
    if (isPlainObject(spec.partialFilterExpression)) this.partial = compileFilter(spec.partialFilterExpression);
    this.firstParts = this.fields[0].parts;
    const firstDir = this.key[this.fields[0].path];
    const equalityKeyed = isNumeric(firstDir) || firstDir === 'hashed';
    if (this.name !== '_id_' && !this.partial && !this.sparse && equalityKeyed) this.postings = new Map();
  }

  /** The first indexed field of this index. */
  get firstField(): string {
    return this.fields[0].path;
  }

  /** Canonical keys of the first field's values (multikey: each element; missing: null). */
  firstFieldKeys(doc: Doc): string[] {
    const out = new Set<string>();
    let any = false;
    for (const c of pathCandidates(doc, this.firstParts)) {
      if (c.expanded) continue;
      if (Array.isArray(c.v)) {
        if (c.v.length === 0) out.add('u');
        for (const e of c.v) out.add(canonicalKey(e));
        any = true;
      } else if (c.v !== undefined) {
        out.add(canonicalKey(c.v));
        any = true;
      }
    }
    if (!any || out.size === 0) out.add(canonicalKey(null));
    // a path through arrays may also miss in some elements: those match {field: null}
    out.add(canonicalKey(null));
    return [...out];
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
        const str = acc.map((v) => (v === EMPTY_ARRAY_MARK ? 'u' : canonicalKey(v))).join('|');
        if (!out.has(str)) {
          const value: Doc = {};
          this.fields.forEach((f, k) => (value[f.path] = acc[k] === EMPTY_ARRAY_MARK ? undefined : acc[k]));
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
