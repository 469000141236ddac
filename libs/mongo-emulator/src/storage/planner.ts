/**
 * Narrows a scan to candidate records: a pinned `_id` uses the record map; a top-level
 * equality (or `$in`) on the first field of an index uses that index's postings. Candidates
 * are a superset — callers always apply the full filter to the visible document — and are
 * returned in the order mongod's index scan would give (by key, then insertion order).
 */
import { Doc, bsonTypeOf, canonicalKey, compareValues, isPlainObject } from '../bson/values';
import { pinnedIds } from '../query/matcher';
import { Collection, DocRecord } from './collection';

/** Equality values a filter requires on `field` (top level or inside a top-level $and). */
function equalityValues(filter: Doc, field: string): unknown[] | undefined {
  const direct = filter[field];
  const fromCondition = (v: unknown): unknown[] | undefined => {
    if (v === undefined) return undefined;
    if (v instanceof RegExp || bsonTypeOf(v) === 'BSONRegExp' || Array.isArray(v)) return undefined;
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      if (keys.length === 0 || !keys[0].startsWith('$')) return [v];
      if ('$eq' in v) {
        const e = v.$eq;
        if (Array.isArray(e) || e instanceof RegExp || bsonTypeOf(e) === 'BSONRegExp') return undefined;
        return [e];
      }
      if (Array.isArray(v.$in)) {
        if (v.$in.some((x) => Array.isArray(x) || x instanceof RegExp || bsonTypeOf(x) === 'BSONRegExp')) return undefined;
        return v.$in;
      }
      return undefined;
    }
    return [v];
  };
  const d = fromCondition(direct);
  if (d) return d;
  if (Array.isArray(filter.$and)) {
    for (const sub of filter.$and) {
      if (!isPlainObject(sub)) continue;
      const r = equalityValues(sub, field);
      if (r) return r;
    }
  }
  return undefined;
}

function bySeq(a: DocRecord, b: DocRecord): number {
  return a.seq - b.seq;
}

/** Candidate records for `filter`, or undefined when only a full scan can answer it. */
export function candidates(coll: Collection, filter: unknown): DocRecord[] | undefined {
  if (!isPlainObject(filter)) return undefined;
  const ids = pinnedIds(filter);
  if (ids) {
    const seen = new Set<string>();
    const recs: DocRecord[] = [];
    const sorted = ids.length > 1 ? [...ids].sort(compareValues) : ids;
    for (const id of sorted) {
      const key = canonicalKey(id);
      if (seen.has(key)) continue;
      seen.add(key);
      const rec = coll.records.get(key);
      if (rec) recs.push(rec);
    }
    return recs;
  }
  let best: DocRecord[] | undefined;
  for (const ix of coll.indexes.values()) {
    if (!ix.postings) continue;
    const values = equalityValues(filter, ix.firstField);
    if (!values) continue;
    const sorted = values.length > 1 ? [...values].sort(compareValues) : values;
    const out: DocRecord[] = [];
    const seen = new Set<DocRecord>();
    for (const v of sorted) {
      const set = ix.postings.get(canonicalKey(v === undefined ? null : v));
      if (!set) continue;
      const group = [...set].filter((r) => !seen.has(r)).sort(bySeq);
      for (const r of group) seen.add(r);
      out.push(...group);
    }
    if (!best || out.length < best.length) best = out;
    if (best.length === 0) break;
  }
  return best;
}
