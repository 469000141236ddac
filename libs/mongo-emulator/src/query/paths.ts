/**
 * Dotted-path helpers shared by the matcher, projection, update operators and aggregation.
 */
import { Doc, getField, isPlainObject, setField } from '../bson/values';

/** A value found while walking a path, with the index taken in the first array crossed. */
export interface Candidate {
  v: unknown;
  /** Index in the first array the path went through (for the positional `$` operator). */
  idx?: number;
  /** True when `v` is an element of an array found at the end of the path (leaf expansion). */
  expanded: boolean;
}

const INDEX_RE = /^\d+$/;

export function isIndexPart(part: string): boolean {
  return INDEX_RE.test(part);
}

/**
 * All values a query path designates in `doc`, following MongoDB's rules: a field name
 * applied to an array applies to each of its subdocuments; an array at the end of the path
 * matches both as a whole and through each element; a missing field yields `undefined`.
 */
export function pathCandidates(doc: unknown, parts: string[]): Candidate[] {
  const out: Candidate[] = [];
  walk(doc, parts, 0, undefined, out);
  return out;
}

function walk(cur: unknown, parts: string[], i: number, idx: number | undefined, out: Candidate[]): void {
  if (i === parts.length) {
    out.push({ v: cur, idx, expanded: false });
    if (Array.isArray(cur)) {
      for (let k = 0; k < cur.length; k++) out.push({ v: cur[k], idx: idx ?? k, expanded: true });
    }
    return;
  }
  const part = parts[i];
  if (Array.isArray(cur)) {
    if (INDEX_RE.test(part)) {
      const k = Number(part);
      if (k < cur.length) walk(cur[k], parts, i + 1, idx, out);
      else out.push({ v: undefined, idx, expanded: false });
    }
    for (let k = 0; k < cur.length; k++) {
      const e = cur[k];
      if (isPlainObject(e)) walk(e, parts, i, idx ?? k, out);
    }
    return;
  }
  if (isPlainObject(cur)) {
    walk(getField(cur, part), parts, i + 1, idx, out);
    return;
  }
  out.push({ v: undefined, idx, expanded: false });
}

/** The single value at a path without array traversal except numeric indexes (`a.0.b`). */
export function getPath(doc: unknown, path: string | string[]): unknown {
  const parts = typeof path === 'string' ? path.split('.') : path;
  let cur: unknown = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) {
      if (!INDEX_RE.test(p)) return undefined;
      cur = cur[Number(p)];
    } else if (isPlainObject(cur)) {
      cur = getField(cur, p);
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/**
 * Values at a path for index keys and `$group`-like extraction: arrays along the way are
 * traversed (each subdocument contributes); the result is flattened one level at the leaf.
 */
export function getPathValues(doc: unknown, path: string): unknown[] {
  const c = pathCandidates(doc, path.split('.'));
  return c.filter((x) => !x.expanded).map((x) => x.v);
}

/** Aggregation-style field path: `$a.b` over arrays yields arrays of the sub-values. */
export function aggregatePath(doc: unknown, parts: string[]): unknown {
  let cur: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (Array.isArray(cur)) {
      const rest = parts.slice(i);
      const out: unknown[] = [];
      for (const e of cur) {
        if (Array.isArray(e)) {
          const r = aggregatePath(e, rest);
          if (r !== undefined) out.push(r);
        } else if (isPlainObject(e)) {
          const r = aggregatePath(e, rest);
          if (r !== undefined) out.push(r);
        }
      }
      return out;
    }
    if (!isPlainObject(cur)) return undefined;
    cur = getField(cur, p);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Sets a value at a dotted path, creating intermediate subdocuments (for projections/docs built by the server). */
export function setPathCreate(doc: Doc, parts: string[], value: unknown): void {
  let cur: Doc = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i];
    let next = getField(cur, p);
    if (!isPlainObject(next)) {
      next = {};
      setField(cur, p, next);
    }
    cur = next as Doc;
  }
  setField(cur, parts[parts.length - 1], value);
}
