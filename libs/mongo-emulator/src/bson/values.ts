/**
 * BSON value model of the emulator: type classification, MongoDB's comparison order,
 * equality and canonical keys.
 *
 * Documents are decoded with `promoteValues: false`, so numbers arrive as `Int32`, `Double`,
 * `Long` or `Decimal128` wrappers and keep their BSON type round-trip. Values the emulator
 * creates itself may be plain JS numbers; those count as int32 when integral and in range,
 * otherwise as double — exactly how `bson` serializes them.
 */
import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'bson';

/** A decoded BSON document. */
export type Doc = Record<string, unknown>;

/** MongoDB's canonical sort order of BSON types (lower sorts first). */
export const enum TypeOrder {
  MinKey = 1,
  Null = 2,
  Number = 3,
  String = 4,
  Object = 5,
  Array = 6,
  BinData = 7,
  ObjectId = 8,
  Boolean = 9,
  Date = 10,
  Timestamp = 11,
  RegExp = 12,
  Code = 13,
  MaxKey = 14,
}

/** `_bsontype` of a bson class instance, if any. */
export function bsonTypeOf(v: unknown): string | undefined {
  if (v !== null && typeof v === 'object') {
    const t = (v as { _bsontype?: unknown })._bsontype;
    return typeof t === 'string' ? t : undefined;
  }
  return undefined;
}

/** True for a plain (sub)document: not an array, not a bson class, not a Date/RegExp/Buffer. */
export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return false;
  if ((v as { _bsontype?: unknown })._bsontype !== undefined) return false;
  if (v instanceof Date || v instanceof RegExp || v instanceof Uint8Array) return false;
  return true;
}

export function isNumeric(v: unknown): boolean {
  if (typeof v === 'number' || typeof v === 'bigint') return true;
  const t = bsonTypeOf(v);
  return t === 'Int32' || t === 'Double' || t === 'Long' || t === 'Decimal128';
}

export function typeOrder(v: unknown): TypeOrder {
  if (v === undefined || v === null) return TypeOrder.Null;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return TypeOrder.Number;
    case 'string':
      return TypeOrder.String;
    case 'boolean':
      return TypeOrder.Boolean;
    case 'function':
      return TypeOrder.Code;
    default:
      break;
  }
  if (Array.isArray(v)) return TypeOrder.Array;
  if (v instanceof Date) return TypeOrder.Date;
  if (v instanceof RegExp) return TypeOrder.RegExp;
  if (v instanceof Uint8Array) return TypeOrder.BinData;
  switch (bsonTypeOf(v)) {
    case undefined:
      return TypeOrder.Object;
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return TypeOrder.Number;
    case 'ObjectId':
      return TypeOrder.ObjectId;
    case 'Binary':
      return TypeOrder.BinData;
    case 'Timestamp':
      return TypeOrder.Timestamp;
    case 'BSONRegExp':
      return TypeOrder.RegExp;
    case 'BSONSymbol':
      return TypeOrder.String;
    case 'Code':
      return TypeOrder.Code;
    case 'MinKey':
      return TypeOrder.MinKey;
    case 'MaxKey':
      return TypeOrder.MaxKey;
    case 'DBRef':
      return TypeOrder.Object;
    default:
      return TypeOrder.Object;
  }
}

/** The `$type` alias MongoDB reports for a value (`double`, `int`, `long`, ...). */
export function typeAlias(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0) ? 'int' : 'double';
    case 'bigint':
      return 'long';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    default:
      break;
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  if (v instanceof Uint8Array) return 'binData';
  switch (bsonTypeOf(v)) {
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Long':
      return 'long';
    case 'Decimal128':
      return 'decimal';
    case 'ObjectId':
      return 'objectId';
    case 'Binary':
      return 'binData';
    case 'Timestamp':
      return 'timestamp';
    case 'BSONRegExp':
      return 'regex';
    case 'BSONSymbol':
      return 'symbol';
    case 'Code':
      return 'javascript';
    case 'MinKey':
      return 'minKey';
    case 'MaxKey':
      return 'maxKey';
    default:
      return 'object';
  }
}

/** BSON type numbers by alias, for `$type`. */
export const TYPE_NUMBERS: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
};

/** A numeric BSON value as a JS number (lossy above 2^53 and for Decimal128). */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  switch (bsonTypeOf(v)) {
    case 'Int32':
    case 'Double':
      return (v as Int32 | Double).value;
    case 'Long':
      return (v as Long).toNumber();
    case 'Decimal128':
      return decimalToNumber(v as Decimal128);
    default:
      return NaN;
  }
}

function decimalToNumber(d: Decimal128): number {
  const s = d.toString();
  if (s === 'NaN' || s === '-NaN') return NaN;
  if (s === 'Infinity') return Infinity;
  if (s === '-Infinity') return -Infinity;
  return Number(s);
}

/** Exact integer value of a numeric if it is integral (as bigint), else undefined. */
function exactInteger(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (bsonTypeOf(v) === 'Long') return (v as Long).toBigInt();
  const n = typeof v === 'number' ? v : bsonTypeOf(v) === 'Decimal128' ? undefined : toNumber(v);
  if (n !== undefined && Number.isInteger(n)) return BigInt(n);
  return undefined;
}

function compareNumbers(a: unknown, b: unknown): number {
  const ta = bsonTypeOf(a);
  const tb = bsonTypeOf(b);
  if (ta === 'Long' && tb === 'Long') {
    const x = (a as Long).toBigInt();
    const y = (b as Long).toBigInt();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = toNumber(a);
  const y = toNumber(b);
  // NaN sorts before every other number and equals itself.
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  if (x < y) return -1;
  if (x > y) return 1;
  // Equal as doubles: refine with exact integers when one side is a Long beyond 2^53.
  if ((ta === 'Long' || tb === 'Long') && Math.abs(x) >= 2 ** 53) {
    const ix = exactInteger(a);
    const iy = exactInteger(b);
    if (ix !== undefined && iy !== undefined) return ix < iy ? -1 : ix > iy ? 1 : 0;
  }
  return 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

/** Orders two strings: binary by default, or a collation's comparison. */
export type StringCompare = (a: string, b: string) => number;

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stringOf(v: unknown): string {
  if (typeof v === 'string') return v;
  return String((v as { value?: unknown }).value ?? v);
}

function binaryParts(v: unknown): { sub: number; bytes: Uint8Array } {
  if (v instanceof Uint8Array) return { sub: 0, bytes: v };
  const b = v as Binary;
  return { sub: b.sub_type, bytes: b.buffer.subarray(0, b.position) };
}

function regexParts(v: unknown): { source: string; flags: string } {
  if (v instanceof RegExp) return { source: v.source, flags: v.flags };
  const r = v as { pattern: string; options: string };
  return { source: r.pattern, flags: r.options };
}

/** DBRef and other non-plain objects compare by their document form. */
function objectEntries(v: unknown): [string, unknown][] {
  if (bsonTypeOf(v) === 'DBRef') {
    const r = v as { collection: string; oid: unknown; db?: string; fields?: Doc };
    const o: Doc = { $ref: r.collection, $id: r.oid };
    if (r.db) o.$db = r.db;
    return Object.entries({ ...o, ...(r.fields ?? {}) });
  }
  return Object.entries(v as Doc).filter(([, x]) => x !== undefined);
}

/**
 * Compares two BSON values in MongoDB's order: first by canonical type, then by value.
 * Missing (`undefined`) compares like null. Arrays compare element-wise (this is the
 * whole-value order; sort keys on array fields are handled by the sorter). `strCmp` orders
 * strings (also inside documents and arrays; field names stay binary), for collations.
 */
export function compareValues(a: unknown, b: unknown, strCmp: StringCompare = compareStrings): number {
  const oa = typeOrder(a);
  const ob = typeOrder(b);
  if (oa !== ob) return oa - ob;
  switch (oa) {
    case TypeOrder.Null:
    case TypeOrder.MinKey:
    case TypeOrder.MaxKey:
      return 0;
    case TypeOrder.Number:
      return compareNumbers(a, b);
    case TypeOrder.String:
      return strCmp(stringOf(a), stringOf(b));
    case TypeOrder.Object: {
      const ea = objectEntries(a);
      const eb = objectEntries(b);
      const n = Math.min(ea.length, eb.length);
      for (let i = 0; i < n; i++) {
        const t = typeOrder(ea[i][1]) - typeOrder(eb[i][1]);
        if (t !== 0) return t;
        const k = compareStrings(ea[i][0], eb[i][0]);
        if (k !== 0) return k;
        const c = compareValues(ea[i][1], eb[i][1], strCmp);
        if (c !== 0) return c;
      }
      return ea.length - eb.length;
    }
    case TypeOrder.Array: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(xa[i], xb[i], strCmp);
        if (c !== 0) return c;
      }
      return xa.length - xb.length;
    }
    case TypeOrder.BinData: {
      const pa = binaryParts(a);
      const pb = binaryParts(b);
      if (pa.bytes.length !== pb.bytes.length) return pa.bytes.length - pb.bytes.length;
      if (pa.sub !== pb.sub) return pa.sub - pb.sub;
      return compareBytes(pa.bytes, pb.bytes);
    }
    case TypeOrder.ObjectId:
      return compareBytes((a as ObjectId).id, (b as ObjectId).id);
    case TypeOrder.Boolean:
      return (a ? 1 : 0) - (b ? 1 : 0);
    case TypeOrder.Date: {
      const x = (a as Date).getTime();
      const y = (b as Date).getTime();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case TypeOrder.Timestamp: {
      const x = a as Timestamp;
      const y = b as Timestamp;
      if (x.t !== y.t) return x.t < y.t ? -1 : 1;
      return x.i === y.i ? 0 : x.i < y.i ? -1 : 1;
    }
    case TypeOrder.RegExp: {
      const x = regexParts(a);
      const y = regexParts(b);
      return compareStrings(x.source, y.source) || compareStrings(x.flags, y.flags);
    }
    case TypeOrder.Code:
      return compareStrings(String((a as { code?: unknown }).code ?? a), String((b as { code?: unknown }).code ?? b));
    default:
      return 0;
  }
}

/** MongoDB equality (numbers across int/long/double/decimal are equal by value). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return compareValues(a, b) === 0;
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/**
 * `'i'` + the id's hex digits, as one flat string. bson's toHexString concatenates twelve
 * two-digit pieces, which V8 keeps as a tree of about a dozen heap objects; the emulator holds
 * such a key for every stored record and unique key, and a major GC marks each of those
 * objects (in bench:emulator, a full GC at 100 k documents took a fifth longer).
 */
function objectIdKey(id: ObjectId): string {
  const bytes = id.id;
  const out = Buffer.allocUnsafe(25);
  out[0] = 0x69; // 'i'
  for (let i = 0; i < 12; i++) {
    out[1 + 2 * i] = HEX_DIGITS[bytes[i] >> 4];
    out[2 + 2 * i] = HEX_DIGITS[bytes[i] & 15];
  }
  return out.toString('latin1');
}

function numericKey(v: unknown): string {
  const int = exactInteger(v);
  if (int !== undefined) return int === 0n ? '0' : int.toString();
  const n = toNumber(v);
  if (Number.isNaN(n)) return 'NaN';
  if (Object.is(n, -0)) return '0';
  if (bsonTypeOf(v) === 'Decimal128') {
    const s = (v as Decimal128).toString();
    const asNum = Number(s);
    if (Number.isInteger(asNum) && Math.abs(asNum) < 2 ** 53) return String(asNum);
    return String(asNum);
  }
  return String(n);
}

/**
 * A string that is identical for two values exactly when MongoDB considers them equal:
 * used for `_id` lookup, unique index keys, `$group` keys, `distinct` and `$addToSet`.
 * `str` maps each string to its class under a collation (see Collation.canonicalizer).
 */
export function canonicalKey(v: unknown, str?: (s: string) => string): string {
  switch (typeOrder(v)) {
    case TypeOrder.Null:
      return 'z';
    case TypeOrder.MinKey:
      return '-';
    case TypeOrder.MaxKey:
      return '+';
    case TypeOrder.Number:
      return 'n' + numericKey(v);
    case TypeOrder.String:
      return 's' + JSON.stringify(str ? str(stringOf(v)) : stringOf(v));
    case TypeOrder.Object:
      return '{' + objectEntries(v).map(([k, x]) => JSON.stringify(k) + ':' + canonicalKey(x, str)).join(',') + '}';
    case TypeOrder.Array:
      return '[' + (v as unknown[]).map((x) => canonicalKey(x, str)).join(',') + ']';
    case TypeOrder.BinData: {
      const p = binaryParts(v);
      return 'b' + p.sub + ':' + Buffer.from(p.bytes).toString('base64');
    }
    case TypeOrder.ObjectId:
      return objectIdKey(v as ObjectId);
    case TypeOrder.Boolean:
      return v ? 't' : 'f';
    case TypeOrder.Date:
      return 'd' + (v as Date).getTime();
    case TypeOrder.Timestamp:
      return 'T' + (v as Timestamp).t + ':' + (v as Timestamp).i;
    case TypeOrder.RegExp: {
      const r = regexParts(v);
      return 'r/' + r.source + '/' + r.flags;
    }
    default:
      return 'c' + String(v);
  }
}

/**
 * A document's own field `k`. Documents are plain JS objects, so `doc[k]` would also find
 * what Object.prototype inherits (`toString`, `constructor`, `__proto__`): field names are
 * data, never prototype lookups. Inherited members are all functions except `__proto__`,
 * so only those values need the own-property check.
 */
export function getField(o: Doc, k: string): unknown {
  const v = o[k];
  if (v !== undefined && (typeof v === 'function' || k === '__proto__') && !Object.prototype.hasOwnProperty.call(o, k)) return undefined;
  return v;
}

/** Whether the document has its own field `k` (never a prototype member). */
export function hasField(o: Doc, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Sets field `k`; `__proto__` becomes an ordinary field instead of replacing the prototype. */
export function setField(o: Doc, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

/** Deep copy of a document: containers are copied, bson leaf values are shared (immutable). */
export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepClone) as unknown as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) setField(out, k, deepClone(v[k]));
    return out as T;
  }
  return v;
}

/** Numbers the emulator creates for replies: plain numbers serialize as int32/double. */
export function isTruthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (isNumeric(v)) return toNumber(v) !== 0;
  return true;
}

export { Int32, Double, Long, Decimal128 };
