/**
 * Update operators with MongoDB semantics and error messages: $set $unset $inc $mul $min
 * $max $push ($each/$position/$slice/$sort) $addToSet $pull $pullAll $pop $setOnInsert
 * $currentDate $rename $bit, positional `$`, `$[]`, `$[ident]` with arrayFilters,
 * replacement documents and pipeline-style updates.
 *
 * Own implementation because mingo lacks $setOnInsert and does nothing for $inc on
 * Long/Decimal128; all arithmetic here preserves BSON numeric types.
 */
import { Int32, Long, Timestamp } from 'bson';
import {
  Doc,
  bsonTypeOf,
  compareValues,
  deepClone,
  getField,
  hasField,
  isNumeric,
  isPlainObject,
  toNumber,
  setField,
  typeAlias,
  valuesEqual,
} from '../bson/values';
import { NumericOverflow, arith, makeNumber, numKind } from '../bson/numbers';
import { CommandError } from '../errors';
import { compileFilter, Predicate } from './matcher';
import { compileSort } from './sort';
import { isIndexPart } from './paths';
import { runPipelineUpdate } from './pipeline-update';

const OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$push',
  '$addToSet',
  '$pull',
  '$pullAll',
  '$pop',
  '$setOnInsert',
  '$currentDate',
  '$rename',
  '$bit',
]);

export interface UpdateOptions {
  /** Array position matched by the query, for `$`. */
  arrayIndex?: number;
  arrayFilters?: Doc[];
  /** The document is being created by an upsert (enables $setOnInsert). */
  isInsert?: boolean;
  /** Timestamp source for `$currentDate: {$type: 'timestamp'}`. */
  now?: () => { date: Date; ts: Timestamp };
  /** `let` variables for pipeline updates. */
  vars?: Doc;
}

export interface UpdateResult {
  doc: Doc;
  changed: boolean;
}

/** True when `update` is an operator document (as opposed to a replacement). */
export function isOperatorUpdate(update: unknown): boolean {
  if (!isPlainObject(update)) return false;
  const keys = Object.keys(update);
  return keys.length > 0 && keys[0].startsWith('$');
}

/** Strict BSON identity (type and value, field order): decides whether an update changed anything. */
export function identical(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeAlias(a) !== typeAlias(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!identical(a[i], bb[i])) return false;
    return true;
  }
  if (isPlainObject(a)) {
    const bo = b as Doc;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(bo).filter((k) => bo[k] !== undefined);
    if (ka.length !== kb.length) return false;
    for (let i = 0; i < ka.length; i++) {
      if (ka[i] !== kb[i]) return false;
      if (!identical(a[ka[i]], bo[kb[i]])) return false;
    }
    return true;
  }
  if (isNumeric(a)) {
    const x = toNumber(a);
    const y = toNumber(b);
    if (Number.isNaN(x) && Number.isNaN(y)) return true;
    if (Object.is(x, -0) !== Object.is(y, -0)) return false;
    return compareValues(a, b) === 0 && String((a as object).toString()) === String((b as object).toString());
  }
  return compareValues(a, b) === 0;
}

function fmt(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => {
      if (x && typeof x === 'object' && x._bsontype) return String(x.toString?.() ?? x);
      return x;
    });
  } catch {
    return String(v);
  }
}

function idDesc(doc: Doc): string {
  return `{_id: ${fmt(doc._id)}}`;
}

/** Validates update operators upfront (structure, conflicts) and returns the (op, path, arg) list. */
interface Mod {
  op: string;
  path: string;
  arg: unknown;
}

function parseMods(update: Doc): Mod[] {
  const mods: Mod[] = [];
  for (const op of Object.keys(update)) {
    if (!op.startsWith('$')) {
      throw new CommandError(
        9,
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!OPERATORS.has(op)) {
      throw new CommandError(
        9,
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    const spec = update[op];
    if (!isPlainObject(spec)) {
      throw new CommandError(9, `Modifiers operate on fields but we found type ${typeAlias(spec)} instead. For example: {$mod: {<field>: ...}} not {${op}: ${fmt(spec)}}`);
    }
    // An empty modifier ({$set: {}}) is a no-op since MongoDB 5.0.
    const fields = Object.keys(spec);
    for (const path of fields) {
      if (path === '') throw new CommandError(56, 'An empty update path is not valid.');
      if (path.split('.').some((p) => p === '')) {
        throw new CommandError(56, `The update path '${path}' contains an empty field name, which is not allowed.`);
      }
      mods.push({ op, path, arg: spec[path] });
      if (op === '$rename') {
        const to = spec[path];
        if (typeof to !== 'string') throw new CommandError(2, `The 'to' field for $rename must be a string: ${path}: ${fmt(to)}`);
        if (to === path) throw new CommandError(2, `The source and target field for $rename must differ: ${path}: ${fmt(to)}`);
        if (to.startsWith(path + '.') || path.startsWith(to + '.')) {
          throw new CommandError(2, `The source and target field for $rename must not be on the same path: ${path}: ${fmt(to)}`);
        }
        if (path.includes('$') || to.includes('$')) throw new CommandError(2, `The source field for $rename may not be dynamic: ${path}`);
      }
    }
  }
  // conflicts between paths (positional parts compared literally, as mongod's parser does)
  const all: string[] = [];
  for (const m of mods) {
    all.push(m.path);
    if (m.op === '$rename') all.push(m.arg as string);
  }
  for (let i = 0; i < all.length; i++) {
    for (let j = 0; j < all.length; j++) {
      if (i === j) continue;
      const a = all[i];
      const b = all[j];
      if (a === b && i < j) throw new CommandError(40, `Updating the path '${a}' would create a conflict at '${a}'`);
      if (b.startsWith(a + '.')) throw new CommandError(40, `Updating the path '${b}' would create a conflict at '${a}'`);
    }
  }
  return mods;
}

/** Compiled arrayFilters: identifier → element predicate. */
function compileArrayFilters(filters: Doc[] | undefined): Map<string, Predicate> {
  const out = new Map<string, Predicate>();
  if (!filters) return out;
  for (const f of filters) {
    if (!isPlainObject(f)) throw new CommandError(9, 'Expected array filter to be an object');
    let ident: string | undefined;
    const rewritten: Doc = {};
    const collect = (obj: Doc, target: Doc) => {
      for (const [k, v] of Object.entries(obj)) {
        if (k === '$and' || k === '$or' || k === '$nor') {
          target[k] = (v as Doc[]).map((sub) => {
            const t: Doc = {};
            collect(sub, t);
            return t;
          });
          continue;
        }
        const id = k.split('.')[0];
        if (ident !== undefined && ident !== id) {
          throw new CommandError(9, `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${ident}' and '${id}'`);
        }
        ident = id;
        target['__e' + k.slice(id.length)] = v;
      }
    };
    collect(f, rewritten);
    if (ident === undefined) throw new CommandError(9, 'Cannot use an expression without a top-level field name in arrayFilters');
    if (!/^[a-z][a-zA-Z0-9]*$/.test(ident)) {
      throw new CommandError(9, `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${ident}'`);
    }
    if (out.has(ident)) throw new CommandError(9, `Found multiple array filters with the same top-level field name ${ident}`);
    out.set(ident, compileFilter(rewritten));
  }
  return out;
}

interface Resolver {
  arrayIndex?: number;
  filters: Map<string, Predicate>;
  used: Set<string>;
}

/** Expands positional parts of a path against the current document into concrete paths. */
function expandPath(doc: Doc, parts: string[], r: Resolver, fullPath: string, forWrite: boolean): string[][] {
  const results: string[][] = [];
  const rec = (cur: unknown, i: number, acc: string[]) => {
    if (i === parts.length) {
      results.push(acc);
      return;
    }
    const p = parts[i];
    if (p === '$') {
      if (r.arrayIndex === undefined) {
        throw new CommandError(2, 'The positional operator did not find the match needed from the query.');
      }
      if (!Array.isArray(cur)) throw new CommandError(2, 'The positional operator did not find the match needed from the query.');
      rec(cur[r.arrayIndex], i + 1, [...acc, String(r.arrayIndex)]);
      return;
    }
    if (p.startsWith('$[')) {
      if (!p.endsWith(']')) throw new CommandError(2, `Unrecognized positional operator in path '${fullPath}'`);
      const ident = p.slice(2, -1);
      let pred: Predicate | undefined;
      if (ident !== '') {
        pred = r.filters.get(ident);
        if (!pred) throw new CommandError(2, `No array filter found for identifier '${ident}' in path '${fullPath}'`);
        r.used.add(ident);
      }
      if (cur === undefined) {
        if (forWrite) {
          throw new CommandError(2, `The path '${parts.slice(0, i).join('.')}' must exist in the document in order to apply array updates.`);
        }
        return;
      }
      if (!Array.isArray(cur)) {
        throw new CommandError(2, `Cannot apply array updates to non-array element ${parts[i - 1]}: ${fmt(cur)}`);
      }
      for (let k = 0; k < cur.length; k++) {
        if (pred && !pred({ __e: cur[k] })) continue;
        rec(cur[k], i + 1, [...acc, String(k)]);
      }
      return;
    }
    let next: unknown;
    if (Array.isArray(cur)) next = isIndexPart(p) ? cur[Number(p)] : undefined;
    else if (isPlainObject(cur)) next = getField(cur, p);
    rec(next, i + 1, [...acc, p]);
  };
  rec(doc, 0, []);
  return results;
}

function hasPositional(path: string): boolean {
  return path.split('.').some((p) => p === '$' || p.startsWith('$['));
}

/** Navigates to the container of the last part, creating subdocuments when `create`. */
function parentOf(doc: Doc, parts: string[], create: boolean, op: string): { parent: Doc | unknown[]; key: string } | undefined {
  let cur: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i];
    if (Array.isArray(cur)) {
      if (!isIndexPart(p)) {
        if (!create) return undefined;
        throw new CommandError(28, `Cannot create field '${p}' in element {${parts[i - 1]}: ${fmt(cur)}}`);
      }
      const idx = Number(p);
      let next = cur[idx];
      if (next === undefined || next === null) {
        if (!create) return undefined;
        if (next === null) throw new CommandError(28, `Cannot create field '${parts[i + 1]}' in element {${p}: null}`);
        while (cur.length < idx) cur.push(null);
        next = {};
        cur[idx] = next;
      }
      cur = next;
      continue;
    }
    const obj = cur as Doc;
    let next = getField(obj, p);
    if (next === undefined) {
      if (!create) return undefined;
      next = {};
      setField(obj, p, next);
    } else if (!isPlainObject(next) && !Array.isArray(next)) {
      if (!create) return undefined;
      throw new CommandError(28, `Cannot create field '${parts[i + 1]}' in element {${p}: ${fmt(next)}}`);
    }
    cur = next;
  }
  const last = parts[parts.length - 1];
  if (Array.isArray(cur) && !isIndexPart(last)) {
    if (!create) return undefined;
    throw new CommandError(28, `Cannot create field '${last}' in element {${parts[parts.length - 2]}: ${fmt(cur)}}`);
  }
  void op;
  return { parent: cur as Doc | unknown[], key: last };
}

function getAt(parent: Doc | unknown[], key: string): unknown {
  return Array.isArray(parent) ? parent[Number(key)] : getField(parent, key);
}

function setAt(parent: Doc | unknown[], key: string, value: unknown): void {
  if (Array.isArray(parent)) {
    const idx = Number(key);
    while (parent.length < idx) parent.push(null);
    parent[idx] = value;
  } else setField(parent, key, value);
}

function unsetAt(parent: Doc | unknown[], key: string): boolean {
  if (Array.isArray(parent)) {
    const idx = Number(key);
    if (idx >= parent.length) return false;
    if (parent[idx] === null) return false;
    parent[idx] = null;
    return true;
  }
  if (!hasField(parent, key) || parent[key] === undefined) return false;
  delete parent[key];
  return true;
}

/** Applies an update (operators, replacement or pipeline) to a copy of `doc`. */
export function applyUpdate(doc: Doc, update: unknown, opts: UpdateOptions = {}): UpdateResult {
  if (Array.isArray(update)) {
    const out = runPipelineUpdate(doc, update as Doc[], opts.vars);
    if (!valuesEqual(out._id, doc._id) && doc._id !== undefined) {
      throw new CommandError(66, `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${fmt(out._id)}`);
    }
    return { doc: out, changed: !identical(doc, out) };
  }
  if (!isPlainObject(update)) throw new CommandError(9, 'Update argument must be either an object or an array');
  if (!isOperatorUpdate(update)) return applyReplacement(doc, update);
  const mods = parseMods(update);
  const filters = compileArrayFilters(opts.arrayFilters);
  const r: Resolver = { arrayIndex: opts.arrayIndex, filters, used: new Set() };
  const out = deepClone(doc);
  let changed = false;

  // Resolve every modification to concrete paths first, then apply in path order
  // (mongod applies an update's modifications sorted by field name).
  const concrete: { mod: Mod; parts: string[] }[] = [];
  for (const mod of mods) {
    if (mod.op === '$setOnInsert' && !opts.isInsert) continue;
    const parts = mod.path.split('.');
    const forWrite = mod.op !== '$unset' && mod.op !== '$pull' && mod.op !== '$pullAll' && mod.op !== '$pop';
    const list = hasPositional(mod.path) ? expandPath(out, parts, r, mod.path, forWrite) : [parts];
    for (const p of list) concrete.push({ mod, parts: p });
  }
  for (const ident of filters.keys()) {
    if (!r.used.has(ident)) {
      throw new CommandError(9, `The array filter for identifier '${ident}' was not used in the update ${fmt(update)}`);
    }
  }
  concrete.sort((a, b) => comparePaths(a.parts, b.parts));
  for (const { mod, parts } of concrete) {
    if (applyMod(out, mod, parts, opts)) changed = true;
  }
  if (doc._id !== undefined && !identical(out._id, doc._id)) {
    throw new CommandError(66, `Performing an update on the path '_id' would modify the immutable field '_id'`);
  }
  return { doc: out, changed };
}

function comparePaths(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    const ai = isIndexPart(a[i]);
    const bi = isIndexPart(b[i]);
    if (ai && bi) return Number(a[i]) - Number(b[i]);
    return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

function applyReplacement(doc: Doc, replacement: Doc): UpdateResult {
  for (const k of Object.keys(replacement)) {
    if (k.startsWith('$')) {
      throw new CommandError(52, `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`);
    }
  }
  if ('_id' in replacement && doc._id !== undefined && !identical(replacement._id, doc._id) && !valuesEqual(replacement._id, doc._id)) {
    throw new CommandError(66, `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${fmt(replacement._id)}`);
  }
  const out: Doc = {};
  if (doc._id !== undefined) out._id = doc._id;
  for (const [k, v] of Object.entries(replacement)) {
    if (k === '_id') continue;
    if (v !== undefined) setField(out, k, deepClone(v));
  }
  return { doc: out, changed: !identical(doc, out) };
}

function requireNumericArg(op: string, path: string, arg: unknown): void {
  if (!isNumeric(arg)) {
    const verb = op === '$inc' ? 'increment' : 'multiply';
    throw new CommandError(14, `Cannot ${verb} with non-numeric argument: {${path}: ${fmt(arg)}}`);
  }
}

function applyMod(doc: Doc, mod: Mod, parts: string[], opts: UpdateOptions): boolean {
  const { op, arg } = mod;
  const path = parts.join('.');
  switch (op) {
    case '$set':
    case '$setOnInsert': {
      const loc = parentOf(doc, parts, true, op)!;
      const old = getAt(loc.parent, loc.key);
      if (old !== undefined && identical(old, arg)) return false;
      setAt(loc.parent, loc.key, deepClone(arg));
      return true;
    }
    case '$unset': {
      const loc = parentOf(doc, parts, false, op);
      if (!loc) return false;
      return unsetAt(loc.parent, loc.key);
    }
    case '$inc':
    case '$mul': {
      requireNumericArg(op, path, arg);
      const loc = parentOf(doc, parts, true, op)!;
      const old = getAt(loc.parent, loc.key);
      let next: unknown;
      if (old === undefined) {
        next = op === '$inc' ? arg : makeNumber(numKind(arg)!, 0);
      } else {
        if (!isNumeric(old)) {
          throw new CommandError(
            14,
            `Cannot apply ${op} to a value of non-numeric type. ${idDesc(doc)} has the field '${loc.key}' of non-numeric type ${typeAlias(old)}`,
          );
        }
        try {
          next = arith(op === '$inc' ? 'add' : 'mul', old, arg, 'update');
        } catch (e) {
          if (e instanceof NumericOverflow) {
            throw new CommandError(2, `Failed to apply ${op} operations to current value (${fmt(old)}) for document ${idDesc(doc)}`);
          }
          throw e;
        }
      }
      if (old !== undefined && identical(old, next)) return false;
      setAt(loc.parent, loc.key, next);
      return true;
    }
    case '$min':
    case '$max': {
      const loc = parentOf(doc, parts, true, op)!;
      const old = getAt(loc.parent, loc.key);
      if (old !== undefined) {
        const c = compareValues(arg, old);
        if (op === '$min' ? c >= 0 : c <= 0) return false;
      }
      setAt(loc.parent, loc.key, deepClone(arg));
      return true;
    }
    case '$currentDate': {
      let type = 'date';
      if (isPlainObject(arg)) {
        type = String(arg.$type);
        if (type !== 'date' && type !== 'timestamp') {
          throw new CommandError(2, "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}");
        }
      } else if (typeof arg !== 'boolean') {
        throw new CommandError(2, `${path} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`);
      }
      const now = opts.now?.() ?? { date: new Date(), ts: new Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 }) };
      const loc = parentOf(doc, parts, true, op)!;
      setAt(loc.parent, loc.key, type === 'timestamp' ? now.ts : now.date);
      return true;
    }
    case '$rename': {
      const from = parentOf(doc, parts, false, op);
      if (!from) return false;
      if (Array.isArray(from.parent)) throw new CommandError(2, `The source field cannot be an array element, '${path}' in doc with ${idDesc(doc)}`);
      const value = getField(from.parent, from.key);
      if (value === undefined) return false;
      const toParts = (arg as string).split('.');
      const to = parentOf(doc, toParts, true, op)!;
      if (Array.isArray(to.parent)) throw new CommandError(2, `The destination field cannot be an array element, '${arg}' in doc with ${idDesc(doc)}`);
      delete from.parent[from.key];
      setField(to.parent, to.key, value);
      return true;
    }
    case '$push':
    case '$addToSet': {
      const loc = parentOf(doc, parts, true, op)!;
      const old = getAt(loc.parent, loc.key);
      if (old !== undefined && !Array.isArray(old)) {
        throw new CommandError(
          2,
          op === '$push'
            ? `The field '${loc.key}' must be an array but is of type ${typeAlias(old)} in document ${idDesc(doc)}`
            : `Cannot apply $addToSet to non-array field. Field named '${loc.key}' has non-array type ${typeAlias(old)}`,
        );
      }
      const arr = old === undefined ? [] : (old as unknown[]);
      const isEach = isPlainObject(arg) && '$each' in arg;
      if (op === '$addToSet') {
        const items = isEach ? (arg as Doc).$each : [arg];
        if (!Array.isArray(items)) throw new CommandError(2, `The argument to $each in $addToSet must be an array but it was of type ${typeAlias(items)}`);
        let changed = old === undefined;
        for (const it of items) {
          if (!arr.some((x) => valuesEqual(x, it))) {
            arr.push(deepClone(it));
            changed = true;
          }
        }
        if (old === undefined) setAt(loc.parent, loc.key, arr);
        return changed;
      }
      let items: unknown[] = [arg];
      let position: number | undefined;
      let slice: number | undefined;
      let sort: unknown;
      if (isEach) {
        const spec = arg as Doc;
        for (const k of Object.keys(spec)) {
          if (!['$each', '$position', '$slice', '$sort'].includes(k)) {
            throw new CommandError(2, `Unrecognized clause in $push: ${k}`);
          }
        }
        if (!Array.isArray(spec.$each)) throw new CommandError(2, `The argument to $each in $push must be an array but it was of type: ${typeAlias(spec.$each)}`);
        items = spec.$each;
        if (spec.$position !== undefined) {
          if (!isNumeric(spec.$position) || !Number.isInteger(toNumber(spec.$position))) throw new CommandError(2, 'The value for $position must be an integer value');
          position = toNumber(spec.$position);
        }
        if (spec.$slice !== undefined) {
          if (!isNumeric(spec.$slice) || !Number.isInteger(toNumber(spec.$slice))) throw new CommandError(2, 'The value for $slice must be an integer value');
          slice = toNumber(spec.$slice);
        }
        sort = spec.$sort;
      }
      const before = deepClone(arr);
      const copies = items.map(deepClone);
      if (position === undefined) arr.push(...copies);
      else {
        let at = position < 0 ? Math.max(0, arr.length + position) : Math.min(position, arr.length);
        arr.splice(at, 0, ...copies);
        at += 0;
      }
      if (sort !== undefined) {
        if (isPlainObject(sort)) {
          const cmp = compileSort(sort)!;
          arr.sort((a, b) => cmp(a as Doc, b as Doc));
        } else {
          const dir = toNumber(sort);
          if (dir !== 1 && dir !== -1) throw new CommandError(2, 'The $sort element value must be either 1 or -1');
          arr.sort((a, b) => compareValues(a, b) * dir);
        }
      }
      if (slice !== undefined) {
        const kept = slice >= 0 ? arr.slice(0, slice) : arr.slice(Math.max(0, arr.length + slice));
        arr.length = 0;
        arr.push(...kept);
      }
      if (old === undefined) setAt(loc.parent, loc.key, arr);
      return old === undefined || !identical(before, arr);
    }
    case '$pop': {
      const loc = parentOf(doc, parts, false, op);
      if (!loc) return false;
      const old = getAt(loc.parent, loc.key);
      if (old === undefined) return false;
      if (!Array.isArray(old)) throw new CommandError(14, `Path '${path}' contains an element of non-array type '${typeAlias(old)}'`);
      const dir = toNumber(arg);
      if (dir !== 1 && dir !== -1) throw new CommandError(9, `$pop expects 1 or -1, found: ${fmt(arg)}`);
      if (old.length === 0) return false;
      if (dir === 1) old.pop();
      else old.shift();
      return true;
    }
    case '$pull':
    case '$pullAll': {
      const loc = parentOf(doc, parts, false, op);
      if (!loc) return false;
      const old = getAt(loc.parent, loc.key);
      if (old === undefined) return false;
      if (!Array.isArray(old)) throw new CommandError(2, `Cannot apply ${op} to a non-array value`);
      let keep: (e: unknown) => boolean;
      if (op === '$pullAll') {
        if (!Array.isArray(arg)) throw new CommandError(2, `$pullAll requires an array argument but was given a ${typeAlias(arg)}`);
        keep = (e) => !arg.some((x) => valuesEqual(x, e));
      } else if (isPlainObject(arg)) {
        const keys = Object.keys(arg);
        const valueMode = keys.length > 0 && keys.every((k) => k.startsWith('$') && !['$and', '$or', '$nor'].includes(k));
        if (valueMode) {
          const p = compileFilter({ __v: arg });
          keep = (e) => !p({ __v: e });
        } else {
          const p = compileFilter(arg);
          keep = (e) => !(isPlainObject(e) && p(e));
        }
      } else if (arg instanceof RegExp || bsonTypeOf(arg) === 'BSONRegExp') {
        const p = compileFilter({ __v: arg });
        keep = (e) => !p({ __v: e });
      } else {
        keep = (e) => !valuesEqual(e, arg);
      }
      const kept = old.filter(keep);
      if (kept.length === old.length) return false;
      setAt(loc.parent, loc.key, kept);
      return true;
    }
    case '$bit': {
      if (!isPlainObject(arg)) throw new CommandError(2, `The $bit modifier is not compatible with a ${typeAlias(arg)}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`);
      const loc = parentOf(doc, parts, true, op)!;
      const old = getAt(loc.parent, loc.key) ?? new Int32(0);
      if (numKind(old) !== 'int' && numKind(old) !== 'long') {
        throw new CommandError(2, `Cannot apply $bit to a value of non-integral type.${idDesc(doc)} has the field ${loc.key} of non-integer type ${typeAlias(old)}`);
      }
      let v = BigInt(toNumber(old));
      let kind = numKind(old)!;
      for (const [k, x] of Object.entries(arg)) {
        const b = BigInt(toNumber(x));
        if (numKind(x) === 'long') kind = 'long';
        if (k === 'and') v &= b;
        else if (k === 'or') v |= b;
        else if (k === 'xor') v ^= b;
        else throw new CommandError(2, `The $bit modifier only supports 'and', 'or', and 'xor', not '${k}' which is an unknown operator`);
      }
      const next = kind === 'int' ? new Int32(Number(BigInt.asIntN(32, v))) : Long.fromBigInt(BigInt.asIntN(64, v));
      if (identical(old, next) && getAt(loc.parent, loc.key) !== undefined) return false;
      setAt(loc.parent, loc.key, next);
      return true;
    }
    default:
      throw new CommandError(9, `Unknown modifier: ${op}`);
  }
}

/**
 * The document an upsert starts from: the equality fields of the query
 * (`{a: 1}`, `{a: {$eq: 1}}`, `{a: {$in: [1]}}`, inside `$and`).
 */
export function upsertSeed(filter: Doc | undefined): Doc {
  const out: Doc = {};
  const visit = (f: Doc) => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) {
        for (const sub of v) if (isPlainObject(sub)) visit(sub);
        continue;
      }
      if (k.startsWith('$')) continue;
      let value: unknown;
      let has = false;
      if (isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v)[0].startsWith('$')) {
        if ('$eq' in v) {
          value = v.$eq;
          has = true;
        } else if (Array.isArray(v.$in) && v.$in.length === 1 && Object.keys(v).length === 1) {
          value = v.$in[0];
          has = true;
        }
      } else if (!(v instanceof RegExp) && bsonTypeOf(v) !== 'BSONRegExp') {
        value = v;
        has = true;
      }
      if (!has) continue;
      const parts = k.split('.');
      let cur: Doc = out;
      let ok = true;
      for (let i = 0; i < parts.length - 1; i++) {
        let n = getField(cur, parts[i]);
        if (n === undefined) {
          n = {};
          setField(cur, parts[i], n);
        } else if (!isPlainObject(n)) {
          ok = false;
          break;
        }
        cur = n as Doc;
      }
      if (!ok) continue;
      const last = parts[parts.length - 1];
      if (hasField(cur, last)) {
        throw new CommandError(54, `cannot infer query fields to set, path '${k}' is matched twice`);
      }
      setField(cur, last, deepClone(value));
    }
  };
  if (filter) visit(filter);
  return out;
}
