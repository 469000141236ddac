// "Evaluating Matches" from the unified test format: expected values are query-like,
// with $$-operators, flexible numerics, extra fields allowed only in root-level documents,
// and arrays that must have the same length.
import { EJSON } from 'bson';

import type { Doc } from './types';

/** What the matcher needs from the entity map (kept as an interface so self-tests can fake it). */
export interface EntityLookup {
  /** the lsid document `{ id: Binary }` recorded when the session entity was created */
  sessionLsid(id: string): Doc;
  /** any entity by name (for $$matchesEntity) */
  entity(id: string): unknown;
}

export class MatchError extends Error {
  constructor(
    readonly path: string,
    readonly why: string,
  ) {
    super(`${path || '(root)'}: ${why}`);
    this.name = 'MatchError';
  }
}

export interface MatchOptions {
  /** the expected value is a root-level document: actual may have extra fields */
  root?: boolean;
  /** expected is an array whose document elements are root-level (iterables of documents such as find) */
  rootElements?: boolean;
  /** outcome comparison: no operators, no extra fields anywhere */
  exact?: boolean;
  entities?: EntityLookup;
}

const noEntities: EntityLookup = {
  sessionLsid(id) {
    throw new Error(`no entity map: cannot resolve session ${id}`);
  },
  entity(id) {
    throw new Error(`no entity map: cannot resolve entity ${id}`);
  },
};

export function assertMatch(expected: unknown, actual: unknown, options: MatchOptions = {}): void {
  const m = new Matcher(options.entities ?? noEntities, options.exact ?? false);
  if (Array.isArray(expected) && options.rootElements) {
    m.matchArray(expected, actual, '', true);
  } else {
    m.match(expected, actual, '', options.root ?? false);
  }
}

/** true when `expected` matches; convenience for callers that only need a yes/no */
export function matches(expected: unknown, actual: unknown, options: MatchOptions = {}): boolean {
  try {
    assertMatch(expected, actual, options);
    return true;
  } catch (e) {
    if (e instanceof MatchError) return false;
    throw e;
  }
}

// ---------- value classification ----------

function bsonType(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const t = (v as { _bsontype?: unknown })._bsontype;
  return typeof t === 'string' ? t : undefined;
}

/** A plain document (not an array, not a BSON value class, not a Date/Buffer). */
export function isDocument(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  if (v instanceof Date || v instanceof RegExp || ArrayBuffer.isView(v) || v instanceof Map) return false;
  const t = bsonType(v);
  // DBRef behaves like a document on the wire.
  return t === undefined || t === 'DBRef';
}

function isNumeric(v: unknown): boolean {
  if (typeof v === 'number' || typeof v === 'bigint') return true;
  const t = bsonType(v);
  return t === 'Int32' || t === 'Double' || t === 'Long';
}

/** Numeric value as a JS number or bigint (bigint only when a Long would lose precision). */
function numericValue(v: unknown): number | bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  const t = bsonType(v);
  if (t === 'Long') {
    const big = BigInt((v as { toString(): string }).toString());
    return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big;
  }
  return (v as { valueOf(): number }).valueOf();
}

function numericEqual(a: unknown, b: unknown): boolean {
  const x = numericValue(a);
  const y = numericValue(b);
  if (typeof x === 'bigint' || typeof y === 'bigint') {
    try {
      return BigInt(x) === BigInt(y);
    } catch {
      return false; // a fractional number never equals a bigint
    }
  }
  return x === y || (Number.isNaN(x) && Number.isNaN(y));
}

function numericLte(a: unknown, b: unknown): boolean {
  const x = numericValue(a);
  const y = numericValue(b);
  return typeof x === 'bigint' || typeof y === 'bigint' ? Number(x) <= Number(y) : x <= y;
}

/** BSON type names of the $type query operator that the actual value satisfies. */
export function typeNamesOf(v: unknown): string[] {
  if (v === undefined) return ['undefined'];
  if (v === null) return ['null'];
  if (typeof v === 'string') return ['string'];
  if (typeof v === 'boolean') return ['bool'];
  if (typeof v === 'bigint') return ['long', 'number'];
  if (typeof v === 'number') {
    // The driver promotes int32, int64 and integral doubles to JS numbers, so the wire type
    // of an integral number is not recoverable: accept any numeric type name for it.
    return Number.isInteger(v) ? ['int', 'long', 'double', 'number'] : ['double', 'number'];
  }
  if (Array.isArray(v)) return ['array'];
  if (v instanceof Date) return ['date'];
  if (v instanceof RegExp) return ['regex'];
  if (ArrayBuffer.isView(v)) return ['binData'];
  switch (bsonType(v)) {
    case 'Int32':
      return ['int', 'number'];
    case 'Long':
      return ['long', 'number'];
    case 'Double':
      return ['double', 'number'];
    case 'Decimal128':
      return ['decimal', 'number'];
    case 'Binary':
      return ['binData'];
    case 'ObjectId':
      return ['objectId'];
    case 'BSONRegExp':
      return ['regex'];
    case 'Timestamp':
      return ['timestamp'];
    case 'MinKey':
      return ['minKey'];
    case 'MaxKey':
      return ['maxKey'];
    case 'BSONSymbol':
      return ['symbol'];
    case 'DBPointer':
      return ['dbPointer'];
    case 'Code':
      return (v as { scope?: unknown }).scope ? ['javascriptWithScope'] : ['javascript'];
    default:
      return ['object'];
  }
}

function bytesOf(v: unknown): Uint8Array | undefined {
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (bsonType(v) === 'Binary') {
    const b = v as { buffer: Uint8Array; position?: number };
    return b.buffer.subarray(0, b.position ?? b.buffer.length);
  }
  return undefined;
}

function show(v: unknown): string {
  try {
    const s = v === undefined ? 'undefined' : EJSON.stringify(v as Doc, { relaxed: true });
    return s.length > 300 ? `${s.slice(0, 300)}…` : s;
  } catch {
    return String(v);
  }
}

function has(doc: Doc, key: string): boolean {
  // Keys holding `undefined` are treated as absent: the driver builds commands and results
  // with optional fields left undefined, which never reach the wire.
  return Object.prototype.hasOwnProperty.call(doc, key) && doc[key] !== undefined;
}

/** `{ $$op: arg }` with exactly one key starting with $$ */
export function specialOperator(v: unknown): [string, unknown] | undefined {
  if (!isDocument(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0].startsWith('$$')) return [keys[0], v[keys[0]]];
  return undefined;
}

function join(path: string, key: string | number): string {
  return path ? `${path}.${key}` : String(key);
}

class Matcher {
  constructor(
    private readonly entities: EntityLookup,
    private readonly exact: boolean,
  ) {}

  match(expected: unknown, actual: unknown, path: string, root: boolean): void {
    const op = this.exact ? undefined : specialOperator(expected);
    if (op) return this.operator(op[0], op[1], actual, path, root);

    if (isDocument(expected)) return this.matchDocument(expected, actual, path, root);
    if (Array.isArray(expected)) return this.matchArray(expected, actual, path, false);
    this.matchScalar(expected, actual, path);
  }

  matchDocument(expected: Doc, actual: unknown, path: string, root: boolean): void {
    if (!isDocument(actual)) throw new MatchError(path, `expected a document ${show(expected)}, got ${show(actual)}`);
    for (const [key, value] of Object.entries(expected)) {
      const at = join(path, key);
      const op = this.exact ? undefined : specialOperator(value);
      if (op && (op[0] === '$$exists' || op[0] === '$$unsetOrMatches')) {
        if (op[0] === '$$exists') {
          if (Boolean(op[1]) !== has(actual, key)) {
            throw new MatchError(at, op[1] ? 'expected the key to exist' : `expected no key, got ${show(actual[key])}`);
          }
          continue;
        }
        if (!has(actual, key)) continue;
        this.match(op[1], actual[key], at, false);
        continue;
      }
      if (!has(actual, key)) throw new MatchError(at, `missing key (expected ${show(value)})`);
      this.match(value, actual[key], at, false);
    }
    if (!root) {
      const extra = Object.keys(actual).filter((k) => has(actual, k) && !Object.prototype.hasOwnProperty.call(expected, k));
      if (extra.length) throw new MatchError(path, `unexpected extra field(s) ${extra.join(', ')} in ${show(actual)}`);
    }
  }

  matchArray(expected: unknown[], actual: unknown, path: string, elementsAreRoot: boolean): void {
    if (!Array.isArray(actual)) throw new MatchError(path, `expected an array ${show(expected)}, got ${show(actual)}`);
    if (actual.length !== expected.length) {
      throw new MatchError(path, `expected ${expected.length} element(s), got ${actual.length}: ${show(actual)}`);
    }
    expected.forEach((e, i) => this.match(e, actual[i], join(path, i), elementsAreRoot && isDocument(e)));
  }

  matchScalar(expected: unknown, actual: unknown, path: string): void {
    if (isNumeric(expected) || isNumeric(actual)) {
      if (isNumeric(expected) && isNumeric(actual) && numericEqual(expected, actual)) return;
      throw new MatchError(path, `expected ${show(expected)}, got ${show(actual)}`);
    }
    if (expected === null || expected === undefined) {
      if (actual === expected) return;
      throw new MatchError(path, `expected ${show(expected)}, got ${show(actual)}`);
    }
    if (typeof expected !== 'object') {
      if (expected === actual) return;
      throw new MatchError(path, `expected ${show(expected)}, got ${show(actual)}`);
    }
    const eb = bytesOf(expected);
    if (eb) {
      const ab = bytesOf(actual);
      const sameSubtype =
        bsonType(expected) !== 'Binary' ||
        bsonType(actual) !== 'Binary' ||
        (expected as { sub_type: number }).sub_type === (actual as { sub_type: number }).sub_type;
      if (ab && sameSubtype && Buffer.from(eb).equals(Buffer.from(ab))) return;
      throw new MatchError(path, `expected ${show(expected)}, got ${show(actual)}`);
    }
    if (expected instanceof Date) {
      if (actual instanceof Date && actual.getTime() === expected.getTime()) return;
      throw new MatchError(path, `expected ${show(expected)}, got ${show(actual)}`);
    }
    // Other BSON values (ObjectId, Timestamp, Decimal128, regexes, MinKey, ...): compare their
    // canonical Extended JSON, which encodes both the type and the value.
    if (canonical(expected) !== canonical(actual)) {
      throw new MatchError(path, `expected ${show(expected)}, got ${show(actual)}`);
    }
  }

  operator(name: string, arg: unknown, actual: unknown, path: string, root: boolean): void {
    switch (name) {
      case '$$exists':
        // Only meaningful for a key; at a value position "exists" means "is defined".
        if (Boolean(arg) !== (actual !== undefined)) throw new MatchError(path, `$$exists: ${String(arg)} failed`);
        return;
      case '$$unsetOrMatches':
        if (actual === undefined) return;
        return this.match(arg, actual, path, root);
      case '$$type': {
        const wanted = Array.isArray(arg) ? (arg as string[]) : [String(arg)];
        if (actual === undefined) throw new MatchError(path, `expected a value of type ${wanted.join('|')}, got nothing`);
        const got = typeNamesOf(actual);
        if (!wanted.some((w) => got.includes(w))) {
          throw new MatchError(path, `expected type ${wanted.join('|')}, got ${got[0]} ${show(actual)}`);
        }
        return;
      }
      case '$$matchesEntity':
        return this.match(this.entities.entity(String(arg)), actual, path, root);
      case '$$matchesHexBytes': {
        const hex = String(arg);
        if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`$$matchesHexBytes: malformed hex string ${hex}`);
        const ab = bytesOf(actual);
        if (ab && Buffer.from(ab).equals(Buffer.from(hex, 'hex'))) return;
        throw new MatchError(path, `expected bytes ${hex}, got ${show(actual)}`);
      }
      case '$$sessionLsid': {
        const lsid = this.entities.sessionLsid(String(arg));
        return this.match(lsid, actual, path, false);
      }
      case '$$lte':
        if (isNumeric(actual) && numericLte(actual, arg)) return;
        throw new MatchError(path, `expected a number <= ${show(arg)}, got ${show(actual)}`);
      case '$$matchAsDocument': {
        if (typeof actual !== 'string') throw new MatchError(path, `$$matchAsDocument needs a string, got ${show(actual)}`);
        return this.match(arg, EJSON.parse(actual, { relaxed: true }), path, false);
      }
      case '$$matchAsRoot':
        return this.match(arg, actual, path, true);
      default:
        throw new Error(`unsupported special operator ${name} at ${path || '(root)'}`);
    }
  }
}

function canonical(v: unknown): string {
  try {
    return EJSON.stringify({ v } as Doc, { relaxed: false });
  } catch {
    return `<${String(v)}>`;
  }
}
