/**
 * Query filter matching with MongoDB semantics over BSON values.
 *
 * Written here rather than delegated to mingo because mingo compares Long and Decimal128
 * wrongly (`{a: {$gt: 3}}` never matches a Long 5, `$type: 'long'` misclassifies), and
 * the emulator keeps BSON types. Supports the positional `$` bookkeeping used by updates.
 */
import type { Binary, Decimal128, Long } from 'bson';
import {
  Doc,
  StringCompare,
  TYPE_NUMBERS,
  TypeOrder,
  bsonTypeOf,
  compareValues,
  isNumeric,
  isPlainObject,
  toNumber,
  typeAlias,
  typeOrder,
  valuesEqual,
} from '../bson/values';
import { CommandError, err } from '../errors';
import { Candidate, pathCandidates } from './paths';
import { evaluateExpression, Vars } from './expression';
import { compileText, TextContext } from './text';
import { compileJsonSchema } from './json-schema';

/** Receives the array position matched by the filter (for the positional `$` update operator). */
export interface MatchContext {
  arrayIndex?: number;
}

export type Predicate = (doc: Doc, ctx?: MatchContext) => boolean;
type FieldTest = (cands: Candidate[]) => Candidate | null;

const MATCHED: Candidate = { v: undefined, expanded: false };

/**
 * Where a query's collation travels inside `vars` (which reach every nested condition): the
 * string order that equality and range comparisons use. Absent: binary order.
 */
export const COLLATION = Symbol('collation');

function strCmpOf(vars: Vars | undefined): StringCompare | undefined {
  return vars ? ((vars as { [COLLATION]?: StringCompare })[COLLATION]) : undefined;
}

/** `vars` carrying a collation's string order for {@link compileFilter}. */
export function withCollation(vars: Vars | undefined, strCmp: StringCompare | undefined): Vars | undefined {
  if (!strCmp) return vars;
  return { ...(vars ?? {}), [COLLATION]: strCmp } as Vars;
}

/**
 * Compiles a filter document into a predicate. Throws CommandError(2) on invalid filters.
 * `text` gives `$text` its collection's text index and collects the matches' scores.
 */
export function compileFilter(filter: unknown, vars?: Vars, text?: TextContext): Predicate {
  if (filter === undefined || filter === null) return () => true;
  if (!isPlainObject(filter)) throw err.badValue('filter must be an object');
  const tests: Predicate[] = [];
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (value === undefined) continue;
    if (key.startsWith('$') && !isDbRefField(key)) tests.push(compileTopOperator(key, value, vars, text));
    else tests.push(compileField(key, value, vars));
  }
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0];
  return (doc, ctx) => {
    for (const t of tests) if (!t(doc, ctx)) return false;
    return true;
  };
}

function compileTopOperator(op: string, value: unknown, vars?: Vars, text?: TextContext): Predicate {
  switch (op) {
    case '$and':
    case '$or':
    case '$nor': {
      if (!Array.isArray(value) || value.length === 0) throw err.badValue(`${op} must be a nonempty array`);
      const subs = value.map((v) => {
        if (!isPlainObject(v)) throw err.badValue(`${op} argument's entries must be objects`);
        return compileFilter(v, vars, op === '$nor' ? undefined : text);
      });
      if (op === '$and') return (d, c) => subs.every((s) => s(d, c));
      if (op === '$or') return (d, c) => subs.some((s) => s(d, c));
      return (d) => !subs.some((s) => s(d));
    }
    case '$expr':
      if (strCmpOf(vars)) throw new CommandError(2, '$expr with a non-simple collation is not supported by the emulator');
      return (d) => truthy(evaluateExpression(value, d, vars));
    case '$comment':
      return () => true;
    case '$where':
      throw new CommandError(2, '$where is not supported by the emulator');
    case '$text':
      return compileText(value, text);
    case '$jsonSchema': {
      const check = compileJsonSchema(value);
      return (d) => check(d);
    }
    case '$alwaysTrue':
      return () => true;
    case '$alwaysFalse':
      return () => false;
    default:
      throw err.badValue(`unknown top level operator: ${op}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.`);
  }
}

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (isNumeric(v)) return toNumber(v) !== 0;
  return true;
}

/** DBRef field names (`$ref`, `$id`, `$db`) are data in queries, not operators. */
export function isDbRefField(key: string): boolean {
  return key === '$ref' || key === '$id' || key === '$db';
}

function isOperatorObject(v: unknown): v is Doc {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys[0].startsWith('$') && !isDbRefField(keys[0]);
}

function compileField(path: string, cond: unknown, vars?: Vars): Predicate {
  const parts = path.split('.');
  const test = compileCondition(cond, path, vars);
  const generic: Predicate = (doc, ctx) => {
    const cands = pathCandidates(doc, parts);
    const hit = test(cands);
    if (!hit) return false;
    if (ctx && ctx.arrayIndex === undefined && hit.idx !== undefined) ctx.arrayIndex = hit.idx;
    return true;
  };
  // Fast path for the most common filter shape, {field: "string"} on a top-level field:
  // a string field equals a string value exactly when the strings are identical.
  if (parts.length === 1 && typeof cond === 'string' && !strCmpOf(vars)) {
    const field = parts[0];
    return (doc, ctx) => {
      const v = doc[field];
      if (typeof v === 'string') return v === cond;
      return generic(doc, ctx);
    };
  }
  return generic;
}

/** A condition on one path: a literal (equality), a regex, or an operator object. */
function compileCondition(cond: unknown, path: string, vars?: Vars): FieldTest {
  if (cond instanceof RegExp || bsonTypeOf(cond) === 'BSONRegExp') return regexTest(toRegExp(cond));
  if (!isOperatorObject(cond)) return eqTest(cond, strCmpOf(vars));
  const obj = cond;
  const tests: FieldTest[] = [];
  const keys = Object.keys(obj);
  for (const op of keys) {
    if (op === '$options') {
      if (!('$regex' in obj)) throw err.badValue('$options needs a $regex');
      continue;
    }
    if (op === '$regex') {
      tests.push(regexTest(buildRegex(obj.$regex, obj.$options)));
      continue;
    }
    tests.push(compileOperator(op, obj[op], path, vars));
  }
  return tests.length === 1 ? tests[0] : allOf(tests);
}

/** Every test passes (each may match a different candidate); the first test's candidate is the match. */
function allOf(tests: FieldTest[]): FieldTest {
  return (cands) => {
    let first: Candidate | null = null;
    for (const t of tests) {
      const r = t(cands);
      if (!r) return null;
      first ??= r;
    }
    return first;
  };
}

function eqTest(value: unknown, strCmp?: StringCompare): FieldTest {
  if (value === null || value === undefined) {
    return (cands) => {
      for (const c of cands) if (c.v === null || c.v === undefined) return c;
      return null;
    };
  }
  return (cands) => {
    for (const c of cands) if (c.v !== undefined && (strCmp ? compareValues(c.v, value, strCmp) === 0 : valuesEqual(c.v, value))) return c;
    return null;
  };
}

/** Range comparisons only match values of the same canonical type (MongoDB's type bracketing). */
function cmpTest(value: unknown, accept: (c: number) => boolean, strCmp?: StringCompare): FieldTest {
  const bracket = typeOrder(value);
  const nullOperand = value === null;
  return (cands) => {
    for (const c of cands) {
      if (nullOperand) {
        if ((c.v === null || c.v === undefined) && accept(0)) return c;
        continue;
      }
      if (c.v === undefined) continue;
      const o = typeOrder(c.v);
      if (bracket === TypeOrder.MinKey || bracket === TypeOrder.MaxKey) {
        if (accept(compareValues(c.v, value))) return c;
        continue;
      }
      if (o !== bracket) continue;
      if (bracket === TypeOrder.Number && (Number.isNaN(toNumber(c.v)) || Number.isNaN(toNumber(value)))) {
        // NaN only equals NaN; it is neither greater nor less than numbers in a range query.
        if (Number.isNaN(toNumber(c.v)) && Number.isNaN(toNumber(value)) && accept(0)) return c;
        continue;
      }
      if (accept(compareValues(c.v, value, strCmp))) return c;
    }
    return null;
  };
}

function toRegExp(v: unknown): RegExp {
  if (v instanceof RegExp) return v;
  const r = v as { pattern: string; options: string };
  return buildRegex(r.pattern, r.options);
}

function buildRegex(pattern: unknown, options: unknown): RegExp {
  let source: string;
  let flags = '';
  if (pattern instanceof RegExp) {
    source = pattern.source;
    flags = pattern.flags;
  } else if (bsonTypeOf(pattern) === 'BSONRegExp') {
    source = (pattern as { pattern: string }).pattern;
    flags = (pattern as { options: string }).options;
  } else if (typeof pattern === 'string') {
    source = pattern;
  } else {
    throw err.badValue('$regex has to be a string');
  }
  if (typeof options === 'string') flags = options;
  let jsFlags = '';
  for (const f of flags) {
    if (f === 'i' || f === 'm' || f === 's') {
      if (!jsFlags.includes(f)) jsFlags += f;
    } else if (f === 'x') {
      source = stripExtended(source);
    } else if (f === 'u' || f === 'g') {
      // not meaningful for matching
    } else {
      throw err.badValue(`invalid flag in regex options: ${f}`);
    }
  }
  try {
    return new RegExp(source, jsFlags);
  } catch (e) {
    throw err.badValue(`Regular expression is invalid: ${(e as Error).message}`);
  }
}

/** The `x` regex option: drop unescaped whitespace and `#` comments. */
function stripExtended(source: string): string {
  let out = '';
  let inComment = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (inComment) {
      if (c === '\n') inComment = false;
      continue;
    }
    if (c === '\\' && i + 1 < source.length) {
      out += c + source[++i];
      continue;
    }
    if (c === '#') {
      inComment = true;
      continue;
    }
    if (/\s/.test(c)) continue;
    out += c;
  }
  return out;
}

function regexTest(re: RegExp): FieldTest {
  return (cands) => {
    for (const c of cands) {
      const v = c.v;
      if (typeof v === 'string') {
        re.lastIndex = 0;
        if (re.test(v)) return c;
      } else if (bsonTypeOf(v) === 'BSONSymbol') {
        if (re.test(String((v as { value: unknown }).value))) return c;
      } else if (v instanceof RegExp || bsonTypeOf(v) === 'BSONRegExp') {
        const r = toRegExp(v);
        if (r.source === re.source && r.flags === re.flags) return c;
      }
    }
    return null;
  };
}

function inTest(values: unknown, op: string, strCmp?: StringCompare): FieldTest {
  if (!Array.isArray(values)) throw err.badValue(`${op} needs an array`);
  const tests = values.map((v) => {
    if (isOperatorObject(v)) throw err.badValue('cannot nest $ under $in');
    return v instanceof RegExp || bsonTypeOf(v) === 'BSONRegExp' ? regexTest(toRegExp(v)) : eqTest(v, strCmp);
  });
  return (cands) => {
    for (const t of tests) {
      const r = t(cands);
      if (r) return r;
    }
    return null;
  };
}

function not(t: FieldTest): FieldTest {
  return (cands) => (t(cands) ? null : MATCHED);
}

function typeMatches(v: unknown, spec: unknown): boolean {
  const alias = typeAlias(v);
  if (typeof spec === 'string') {
    if (spec === 'number') return alias === 'int' || alias === 'long' || alias === 'double' || alias === 'decimal';
    if (!(spec in TYPE_NUMBERS)) throw err.badValue(`Unknown type name alias: ${spec}`);
    return alias === spec;
  }
  if (isNumeric(spec)) {
    const n = toNumber(spec);
    const entry = Object.entries(TYPE_NUMBERS).find(([, num]) => num === n);
    if (!entry) throw err.badValue(`Invalid numerical type code: ${n}`);
    return alias === entry[0];
  }
  throw err.typeMismatch('type must be represented as a number or a string');
}

function compileOperator(op: string, value: unknown, path: string, vars?: Vars): FieldTest {
  switch (op) {
    case '$eq':
      return eqTest(value, strCmpOf(vars));
    case '$ne':
      return not(eqTest(value, strCmpOf(vars)));
    case '$gt':
      return cmpTest(value, (c) => c > 0, strCmpOf(vars));
    case '$gte':
      return cmpTest(value, (c) => c >= 0, strCmpOf(vars));
    case '$lt':
      return cmpTest(value, (c) => c < 0, strCmpOf(vars));
    case '$lte':
      return cmpTest(value, (c) => c <= 0, strCmpOf(vars));
    case '$in':
      return inTest(value, '$in', strCmpOf(vars));
    case '$nin':
      return not(inTest(value, '$nin', strCmpOf(vars)));
    case '$exists': {
      const want = truthy(value);
      return (cands) => {
        const found = cands.find((c) => c.v !== undefined);
        if (want) return found ?? null;
        return found ? null : MATCHED;
      };
    }
    case '$type': {
      const specs = Array.isArray(value) ? value : [value];
      for (const s of specs) typeMatches(null, s); // validates aliases eagerly
      return (cands) => {
        for (const c of cands) {
          if (c.v === undefined) continue;
          for (const s of specs) {
            if (typeAlias(c.v) === 'array' && c.expanded === false && s !== 'array' && toNumber(s) !== 4) continue;
            if (typeMatches(c.v, s)) return c;
          }
        }
        return null;
      };
    }
    case '$size': {
      if (!isNumeric(value)) throw err.badValue('$size needs a number');
      const n = toNumber(value);
      if (!Number.isInteger(n) || n < 0) throw err.badValue('$size may only be applied to a non-negative integer');
      return (cands) => {
        for (const c of cands) if (!c.expanded && Array.isArray(c.v) && c.v.length === n) return c;
        return null;
      };
    }
    case '$mod': {
      if (!Array.isArray(value) || value.length !== 2) throw err.badValue('malformed mod, needs to be an array of length 2');
      const d = Math.trunc(toNumber(value[0]));
      const r = Math.trunc(toNumber(value[1]));
      if (d === 0) throw err.badValue('divisor cannot be 0');
      return (cands) => {
        for (const c of cands) {
          if (!isNumeric(c.v)) continue;
          if (Math.trunc(toNumber(c.v)) % d === r) return c;
        }
        return null;
      };
    }
    case '$all': {
      if (!Array.isArray(value)) throw err.badValue('$all needs an array');
      if (value.length === 0) return () => null;
      const tests = value.map((v) => {
        if (isPlainObject(v) && '$elemMatch' in v) return compileOperator('$elemMatch', v.$elemMatch, path, vars);
        if (v instanceof RegExp || bsonTypeOf(v) === 'BSONRegExp') return regexTest(toRegExp(v));
        return eqTest(v, strCmpOf(vars));
      });
      return allOf(tests);
    }
    case '$elemMatch': {
      if (!isPlainObject(value)) throw err.badValue('$elemMatch needs an Object');
      const keys = Object.keys(value);
      const valueMode = keys.length > 0 && keys.every((k) => k.startsWith('$') && k !== '$and' && k !== '$or' && k !== '$nor' && k !== '$expr' && !isDbRefField(k));
      const elemTest: (e: unknown) => boolean = valueMode
        ? (() => {
            const t = compileCondition(value, path, vars);
            return (e: unknown) => t([{ v: e, expanded: false }, ...(Array.isArray(e) ? e.map((x) => ({ v: x, expanded: true })) : [])]) !== null;
          })()
        : (() => {
            const p = compileFilter(value, vars);
            return (e: unknown) => isPlainObject(e) && p(e);
          })();
      return (cands) => {
        for (const c of cands) {
          if (c.expanded || !Array.isArray(c.v)) continue;
          for (let k = 0; k < c.v.length; k++) {
            if (elemTest(c.v[k])) return { v: c.v[k], idx: c.idx ?? k, expanded: false };
          }
        }
        return null;
      };
    }
    case '$not': {
      if (value instanceof RegExp || bsonTypeOf(value) === 'BSONRegExp') return not(regexTest(toRegExp(value)));
      if (!isPlainObject(value)) throw err.badValue('$not needs a regex or a document');
      if (Object.keys(value).length === 0) throw err.badValue('$not cannot be empty');
      return not(compileCondition(value, path, vars));
    }
    case '$bitsAllSet':
    case '$bitsAnySet':
    case '$bitsAllClear':
    case '$bitsAnyClear':
      return bitsTest(op, value);
    case '$comment':
      return (cands) => cands[0] ?? MATCHED;
    case '$geoWithin':
    case '$within':
      return geoWithinTest(value);
    case '$geoIntersects':
    case '$near':
    case '$nearSphere':
      throw new CommandError(2, `${op} is not supported by the emulator`);
    default:
      throw err.badValue(`unknown operator: ${op}`);
  }
}

type Point = [number, number];

/** A legacy coordinate pair: `[x, y]` or the first two values of a subdocument. */
function legacyPoint(v: unknown): Point | undefined {
  let xs: unknown[];
  if (Array.isArray(v)) xs = v;
  else if (isPlainObject(v) && v.type === undefined) xs = Object.values(v);
  else return undefined;
  if (xs.length < 2 || !isNumeric(xs[0]) || !isNumeric(xs[1])) return undefined;
  return [toNumber(xs[0]), toNumber(xs[1])];
}

/** A GeoJSON point's `[longitude, latitude]`. */
function geoJsonPoint(v: unknown): Point | undefined {
  if (!isPlainObject(v) || v.type !== 'Point' || !Array.isArray(v.coordinates)) return undefined;
  return legacyPoint(v.coordinates);
}

function pointArg(v: unknown, what: string): Point {
  const p = legacyPoint(v);
  if (!p) throw err.badValue(`${what}: malformed point`);
  return p;
}

/** Ray casting; points on an edge count as inside (mongod's $polygon includes its boundary). */
function inPolygon(p: Point, poly: Point[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    const cross = (p[0] - xi) * (yj - yi) - (p[1] - yi) * (xj - xi);
    if (cross === 0 && p[0] >= Math.min(xi, xj) && p[0] <= Math.max(xi, xj) && p[1] >= Math.min(yi, yj) && p[1] <= Math.max(yi, yj)) return true;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Great-circle distance in radians between two `[lng, lat]` points (degrees). */
function sphereDistance(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLng = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * `$geoWithin` (and its old name `$within`) with the shapes that need no index: `$box`,
 * `$polygon` and `$center` over legacy coordinate pairs (flat geometry) and `$centerSphere`
 * over legacy pairs and GeoJSON points. `$geometry` (spherical polygons) is refused rather
 * than approximated.
 */
function geoWithinTest(value: unknown): FieldTest {
  if (!isPlainObject(value)) throw err.badValue('$geoWithin not an object');
  const keys = Object.keys(value);
  if (keys.length !== 1) throw err.badValue(`$geoWithin needs exactly one shape, found: ${keys.join(', ')}`);
  const shape = keys[0];
  const arg = value[shape];
  let within: (v: unknown) => boolean;
  switch (shape) {
    case '$box': {
      if (!Array.isArray(arg) || arg.length !== 2) throw err.badValue('$box needs two points');
      const [a, b] = [pointArg(arg[0], '$box'), pointArg(arg[1], '$box')];
      const [x1, x2] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
      const [y1, y2] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
      within = (v) => {
        const p = legacyPoint(v);
        return !!p && p[0] >= x1 && p[0] <= x2 && p[1] >= y1 && p[1] <= y2;
      };
      break;
    }
    case '$polygon': {
      if (!Array.isArray(arg) || arg.length < 3) throw err.badValue('Polygon must have at least 3 points');
      const poly = arg.map((x) => pointArg(x, '$polygon'));
      within = (v) => {
        const p = legacyPoint(v);
        return !!p && inPolygon(p, poly);
      };
      break;
    }
    case '$center':
    case '$centerSphere': {
      if (!Array.isArray(arg) || arg.length !== 2 || !isNumeric(arg[1])) throw err.badValue(`${shape} needs a center point and a radius`);
      const c = pointArg(arg[0], shape);
      const r = toNumber(arg[1]);
      if (!(r >= 0)) throw err.badValue('radius must be a non-negative number');
      within =
        shape === '$center'
          ? (v) => {
              const p = legacyPoint(v);
              return !!p && Math.hypot(p[0] - c[0], p[1] - c[1]) <= r;
            }
          : (v) => {
              const p = geoJsonPoint(v) ?? legacyPoint(v);
              return !!p && sphereDistance(p, c) <= r;
            };
      break;
    }
    case '$geometry':
      throw new CommandError(2, '$geoWithin with $geometry (spherical GeoJSON shapes) is not supported by the emulator');
    default:
      throw err.badValue(`unknown geo specifier: ${shape}`);
  }
  return (cands) => {
    for (const c of cands) if (c.v !== undefined && within(c.v)) return c;
    return null;
  };
}

/** The bytes of a BinData value (Binary or a raw byte array). */
function binBytes(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (bsonTypeOf(v) === 'Binary') {
    const b = v as Binary;
    return b.buffer.subarray(0, b.position);
  }
  return undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A numeric as an exact int64, or undefined when it is fractional, NaN or out of range. */
function asInt64(v: unknown): bigint | undefined {
  if (bsonTypeOf(v) === 'Long') return (v as Long).toBigInt();
  if (bsonTypeOf(v) === 'Decimal128') {
    const s = (v as Decimal128).toString();
    if (!/^-?\d+$/.test(s)) {
      const n = Number(s);
      if (!Number.isInteger(n)) return undefined;
      return BigInt(n) >= INT64_MIN && BigInt(n) <= INT64_MAX ? BigInt(n) : undefined;
    }
    const b = BigInt(s);
    return b >= INT64_MIN && b <= INT64_MAX ? b : undefined;
  }
  const n = toNumber(v);
  if (!Number.isInteger(n)) return undefined;
  if (n < -(2 ** 63) || n >= 2 ** 63) return undefined;
  return BigInt(n);
}

/**
 * `$bitsAllSet` & co. The mask is a list of bit positions, a non-negative integer or BinData
 * (bit k is bit k%8 of byte k/8); the value is an integral number in int64 range (two's
 * complement, so a negative number has every position beyond 63 set) or BinData (positions
 * beyond its length are clear). Other values never match.
 */
function bitsTest(op: string, value: unknown): FieldTest {
  const positions: number[] = [];
  const bytes = binBytes(value);
  if (Array.isArray(value)) {
    for (const p of value) {
      if (!isNumeric(p)) throw err.badValue(`bit positions must be an integer but got: ${typeAlias(p)}`);
      const n = toNumber(p);
      if (!Number.isInteger(n)) throw err.badValue(`bit positions must be an integer but got: ${n}`);
      if (n < 0) throw err.badValue(`bit positions must be >= 0 but got: ${n}`);
      positions.push(n);
    }
  } else if (isNumeric(value)) {
    const n = toNumber(value);
    if (!Number.isInteger(n)) throw err.badValue(`${op} cannot represent value as a 64-bit integer: ${n}`);
    if (n < 0) throw err.badValue(`${op} requires a non-negative number, but got: ${n}`);
    const b = asInt64(value);
    if (b === undefined) throw err.badValue(`${op} cannot represent value as a 64-bit integer: ${n}`);
    for (let k = 0; k < 64; k++) if ((b >> BigInt(k)) & 1n) positions.push(k);
  } else if (bytes) {
    for (let i = 0; i < bytes.length; i++) for (let k = 0; k < 8; k++) if ((bytes[i] >> k) & 1) positions.push(i * 8 + k);
  } else {
    throw err.badValue(`${op} takes an Array, a number, or a BinData but received: ${op}: ${typeAlias(value)}`);
  }
  const accept = (isSet: (p: number) => boolean): boolean => {
    switch (op) {
      case '$bitsAllSet':
        return positions.every(isSet);
      case '$bitsAnySet':
        return positions.some(isSet);
      case '$bitsAllClear':
        return positions.every((p) => !isSet(p));
      default:
        return positions.some((p) => !isSet(p));
    }
  };
  return (cands) => {
    for (const c of cands) {
      if (isNumeric(c.v)) {
        const b = asInt64(c.v);
        if (b === undefined) continue;
        if (accept((p) => (p >= 64 ? b < 0n : ((b >> BigInt(p)) & 1n) === 1n))) return c;
        continue;
      }
      const vb = binBytes(c.v);
      if (vb && accept((p) => (p >> 3) < vb.length && ((vb[p >> 3] >> (p & 7)) & 1) === 1)) return c;
    }
    return null;
  };
}

/**
 * Canonical `_id` values the filter pins (`{_id: v}`, `{_id: {$eq: v}}`, `{_id: {$in: [...]}}`),
 * so collection scans can become direct lookups. Undefined when the filter does not pin `_id`.
 */
export function pinnedIds(filter: unknown): unknown[] | undefined {
  if (!isPlainObject(filter) || !('_id' in filter)) return undefined;
  const v = filter._id;
  if (v instanceof RegExp || bsonTypeOf(v) === 'BSONRegExp') return undefined;
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$eq' && !isPlainObject(v.$eq) && !Array.isArray(v.$eq)) return [v.$eq];
    if (keys.length === 1 && keys[0] === '$in' && Array.isArray(v.$in)) {
      if (v.$in.some((x) => x instanceof RegExp || bsonTypeOf(x) === 'BSONRegExp' || x === null || Array.isArray(x))) return undefined;
      return v.$in;
    }
    if (keys.length > 0 && keys[0].startsWith('$')) return undefined;
    return [v];
  }
  if (Array.isArray(v) || v === null) return undefined;
  return [v];
}
