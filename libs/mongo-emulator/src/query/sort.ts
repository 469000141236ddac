/**
 * Sort specifications with MongoDB's rules: BSON type order, missing = null, and array
 * fields sorting by their smallest (ascending) or largest (descending) element.
 */
import { Doc, StringCompare, compareValues, isNumeric, isPlainObject, toNumber } from '../bson/values';
import { CommandError } from '../errors';
import { pathCandidates } from './paths';

export type Comparator = (a: Doc, b: Doc) => number;

interface Key {
  parts: string[];
  dir: 1 | -1;
  /** `{$meta: 'textScore'}`: by score, highest first. */
  textScore?: boolean;
}

/**
 * Validates and compiles a sort spec (strings in `strCmp` order: a collation); returns undefined
 * for an empty spec. `textScores` serves `{$meta: 'textScore'}` keys.
 */
export function compileSort(spec: unknown, strCmp?: StringCompare, textScores?: WeakMap<object, number>): Comparator | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (!isPlainObject(spec)) throw new CommandError(2, 'sort must be an object');
  const keys: Key[] = [];
  for (const [path, dir] of Object.entries(spec)) {
    if (isPlainObject(dir)) {
      if (dir.$meta === 'textScore' && Object.keys(dir).length === 1) {
        if (!textScores) throw new CommandError(40218, 'query requires text score metadata, but it is not available');
        keys.push({ parts: [], dir: -1, textScore: true });
        continue;
      }
      if ('$meta' in dir) throw new CommandError(2, `$meta sort ${JSON.stringify(dir)} is not supported by the emulator`);
      throw new CommandError(2, `Illegal key in $sort specification: ${path}: ${JSON.stringify(dir)}`);
    }
    if (!isNumeric(dir) || (toNumber(dir) !== 1 && toNumber(dir) !== -1)) {
      throw new CommandError(15975, '$sort key ordering must be 1 (for ascending) or -1 (for descending)');
    }
    if (path === '') throw new CommandError(40352, 'FieldPath cannot be constructed with empty string');
    keys.push({ parts: path.split('.'), dir: toNumber(dir) as 1 | -1 });
  }
  if (keys.length === 0) return undefined;
  return (a, b) => {
    for (const k of keys) {
      const c = k.textScore ? (textScores!.get(a) ?? 0) - (textScores!.get(b) ?? 0) : compareValues(sortKey(a, k, strCmp), sortKey(b, k, strCmp), strCmp);
      if (c !== 0) return c * k.dir;
    }
    return 0;
  };
}

function sortKey(doc: Doc, key: Key, strCmp?: StringCompare): unknown {
  const cands = pathCandidates(doc, key.parts);
  let best: unknown = undefined;
  let have = false;
  for (const c of cands) {
    if (Array.isArray(c.v) && !c.expanded) {
      if (c.v.length === 0 && !have) {
        // An empty array sorts as the smallest value, before null.
        best = undefined;
        have = true;
      }
      continue;
    }
    if (!have) {
      best = c.v;
      have = true;
      continue;
    }
    const cmp = compareValues(c.v, best, strCmp);
    if (key.dir === 1 ? cmp < 0 : cmp > 0) best = c.v;
  }
  return best;
}

/** Stable sort of documents (Array.prototype.sort is stable in V8). */
export function sortDocs<T extends Doc>(docs: T[], cmp: Comparator | undefined): T[] {
  if (!cmp) return docs;
  return docs.sort(cmp);
}
