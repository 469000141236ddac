/**
 * Aggregation expression evaluator over BSON values.
 *
 * The common operators are implemented here with MongoDB's type rules (int/long/double/decimal
 * arithmetic, missing vs null). Anything else is delegated to mingo, after converting BSON
 * numerics to JS numbers (mingo cannot do arithmetic on Long/Decimal128).
 */
import { aggregate as mingoAggregate } from 'mingo';
import { Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import {
  Doc,
  bsonTypeOf,
  canonicalKey,
  compareValues,
  isNumeric,
  isPlainObject,
  getField,
  setField,
  toNumber,
  typeAlias,
} from '../bson/values';
import { arith, negate, numKind } from '../bson/numbers';
import { CommandError } from '../errors';
import { aggregatePath } from './paths';
import { TEXT_SCORES_VAR } from './text';

/** Variables visible to an expression (`ROOT`, `CURRENT`, `NOW`, user `let` variables...). */
export type Vars = Record<string, unknown>;

/** Sentinel returned by `$$REMOVE`: the field is omitted. */
const REMOVE = undefined;

function fail(code: number, msg: string): never {
  throw new CommandError(code, msg);
}

/** Evaluates `expr` against `doc` (bound to `$$ROOT` and `$$CURRENT` unless `vars` says otherwise). */
export function evaluateExpression(expr: unknown, doc: unknown, vars?: Vars): unknown {
  const scope: Vars = { ...(vars ?? {}) };
  if (!('ROOT' in scope)) scope.ROOT = doc;
  scope.CURRENT = doc;
  return evalExpr(expr, scope);
}

function evalExpr(expr: unknown, scope: Vars): unknown {
  if (typeof expr === 'string') {
    if (expr.startsWith('$$')) return resolveVariable(expr.slice(2), scope);
    if (expr.startsWith('$')) {
      if (expr.length === 1) fail(16872, "'$' by itself is not a valid FieldPath");
      return aggregatePath(scope.CURRENT, expr.slice(1).split('.'));
    }
    return expr;
  }
  if (Array.isArray(expr)) return expr.map((e) => evalExpr(e, scope));
  if (isPlainObject(expr)) {
    const keys = Object.keys(expr);
    if (keys.length === 1 && keys[0].startsWith('$')) return evalOperator(keys[0], expr[keys[0]], scope);
    const out: Doc = {};
    for (const k of keys) {
      if (k.startsWith('$')) fail(16410, `FieldPath field names may not start with '$'. Consider using $getField or $setField.`);
      const v = evalExpr(expr[k], scope);
      if (v !== undefined) setField(out, k, v);
    }
    return out;
  }
  return expr;
}

function resolveVariable(spec: string, scope: Vars): unknown {
  const [name, ...rest] = spec.split('.');
  let base: unknown;
  if (name === 'NOW') base = scope.NOW ?? new Date();
  else if (name === 'REMOVE') return REMOVE;
  else if (name === 'CLUSTER_TIME') base = scope.CLUSTER_TIME;
  else if (Object.prototype.hasOwnProperty.call(scope, name)) base = scope[name];
  else fail(17276, `Use of undefined variable: ${name}`);
  return rest.length ? aggregatePath(base, rest) : base;
}

function args(value: unknown, scope: Vars): unknown[] {
  if (Array.isArray(value)) return value.map((v) => evalExpr(v, scope));
  return [evalExpr(value, scope)];
}

function nullish(v: unknown): boolean {
  return v === undefined || v === null;
}

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (isNumeric(v)) return toNumber(v) !== 0;
  return true;
}

/** Expression comparison: full BSON order, with missing sorting before null. */
function exprCompare(a: unknown, b: unknown): number {
  if (a === undefined && b === null) return -1;
  if (a === null && b === undefined) return 1;
  return compareValues(a, b);
}

function requireNumber(op: string, v: unknown): void {
  if (!isNumeric(v)) fail(16554, `${op} only supports numeric types, not ${typeAlias(v)}`);
}

function dbl(n: number): Double {
  return new Double(n);
}

function toDate(op: string, v: unknown): Date {
  if (v instanceof Date) return v;
  if (bsonTypeOf(v) === 'ObjectId') return (v as ObjectId).getTimestamp();
  if (bsonTypeOf(v) === 'Timestamp') return new Date((v as { t: number }).t * 1000);
  return fail(16006, `can't convert from BSON type ${typeAlias(v)} to Date`);
}

function evalOperator(op: string, value: unknown, scope: Vars): unknown {
  switch (op) {
    case '$meta': {
      if (value === 'textScore') {
        const scores = scope[TEXT_SCORES_VAR] as WeakMap<object, number> | undefined;
        const score = scores?.get(scope.ROOT as object);
        if (score === undefined) fail(40218, 'query requires text score metadata, but it is not available');
        return score;
      }
      if (value === 'indexKey' || value === 'recordId' || value === 'searchScore' || value === 'searchHighlights' || value === 'sortKey' || value === 'geoNearDistance' || value === 'geoNearPoint') {
        fail(2, `$meta: '${String(value)}' is not supported by the emulator`);
      }
      return fail(17308, `Unsupported argument to $meta: ${String(value)}`);
    }
    case '$literal':
      return value;
    // ----- arithmetic -----
    case '$add': {
      const xs = args(value, scope);
      if (xs.some(nullish)) return null;
      let date: Date | undefined;
      let acc: unknown = new Int32(0);
      for (const x of xs) {
        if (x instanceof Date) {
          if (date) fail(16612, 'only one date allowed in an $add expression');
          date = x;
          continue;
        }
        requireNumber('$add', x);
        acc = arith('add', acc, x, 'agg');
      }
      if (date) return new Date(date.getTime() + Math.round(toNumber(acc)));
      return acc;
    }
    case '$subtract': {
      const [a, b] = args(value, scope);
      if (nullish(a) || nullish(b)) return null;
      if (a instanceof Date && b instanceof Date) return Long.fromNumber(a.getTime() - b.getTime());
      if (a instanceof Date) return new Date(a.getTime() - Math.round(toNumber(b)));
      requireNumber('$subtract', a);
      requireNumber('$subtract', b);
      return arith('add', a, negate(b), 'agg');
    }
    case '$multiply': {
      const xs = args(value, scope);
      if (xs.some(nullish)) return null;
      let acc: unknown = new Int32(1);
      for (const x of xs) {
        requireNumber('$multiply', x);
        acc = arith('mul', acc, x, 'agg');
      }
      return acc;
    }
    case '$divide': {
      const [a, b] = args(value, scope);
      if (nullish(a) || nullish(b)) return null;
      requireNumber('$divide', a);
      requireNumber('$divide', b);
      if (toNumber(b) === 0) fail(2, "can't $divide by zero");
      if (numKind(a) === 'decimal' || numKind(b) === 'decimal') {
        return Decimal128.fromStringWithRounding(String(toNumber(a) / toNumber(b)));
      }
      return dbl(toNumber(a) / toNumber(b));
    }
    case '$mod': {
      const [a, b] = args(value, scope);
      if (nullish(a) || nullish(b)) return null;
      requireNumber('$mod', a);
      requireNumber('$mod', b);
      if (toNumber(b) === 0) fail(16610, "can't $mod by zero");
      const r = toNumber(a) % toNumber(b);
      const k = numKind(a) === 'double' || numKind(b) === 'double' ? 'double' : numKind(a) === 'long' || numKind(b) === 'long' ? 'long' : 'int';
      return k === 'double' ? dbl(r) : k === 'long' ? Long.fromNumber(r) : new Int32(r);
    }
    case '$abs':
    case '$ceil':
    case '$floor':
    case '$sqrt':
    case '$exp':
    case '$ln':
    case '$log10': {
      const [a] = args(value, scope);
      if (nullish(a)) return null;
      requireNumber(op, a);
      const n = toNumber(a);
      const k = numKind(a);
      const intLike = k === 'int' || k === 'long';
      switch (op) {
        case '$abs':
          return intLike ? (n < 0 ? negate(a) : a) : k === 'decimal' ? Decimal128.fromString(String(Math.abs(n))) : dbl(Math.abs(n));
        case '$ceil':
          return intLike ? a : dbl(Math.ceil(n));
        case '$floor':
          return intLike ? a : dbl(Math.floor(n));
        case '$sqrt':
          return dbl(Math.sqrt(n));
        case '$exp':
          return dbl(Math.exp(n));
        case '$ln':
          return dbl(Math.log(n));
        default:
          return dbl(Math.log10(n));
      }
    }
    case '$pow': {
      const [a, b] = args(value, scope);
      if (nullish(a) || nullish(b)) return null;
      const r = Math.pow(toNumber(a), toNumber(b));
      if ((numKind(a) === 'int' || numKind(a) === 'long') && (numKind(b) === 'int' || numKind(b) === 'long') && Number.isInteger(r)) {
        return Math.abs(r) <= 2147483647 && numKind(a) === 'int' && numKind(b) === 'int' ? new Int32(r) : Long.fromNumber(r);
      }
      return dbl(r);
    }
    case '$round':
    case '$trunc': {
      const [a, p] = args(value, scope);
      if (nullish(a)) return null;
      requireNumber(op, a);
      const places = p === undefined ? 0 : toNumber(p);
      const f = 10 ** places;
      const n = toNumber(a);
      let r: number;
      if (op === '$trunc') r = Math.trunc(n * f) / f;
      else {
        // MongoDB rounds half to even.
        const x = n * f;
        const fl = Math.floor(x);
        const diff = x - fl;
        r = (diff > 0.5 || (diff === 0.5 && fl % 2 !== 0) ? fl + 1 : fl) / f;
      }
      const k = numKind(a);
      if (k === 'int') return new Int32(r);
      if (k === 'long') return Long.fromNumber(r);
      if (k === 'decimal') return Decimal128.fromString(String(r));
      return dbl(r);
    }
    // ----- comparison -----
    case '$eq':
    case '$ne':
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
    case '$cmp': {
      const xs = args(value, scope);
      if (xs.length !== 2) fail(16020, `Expression ${op} takes exactly 2 arguments. ${xs.length} were passed in.`);
      const c = exprCompare(xs[0], xs[1]);
      switch (op) {
        case '$eq':
          return c === 0;
        case '$ne':
          return c !== 0;
        case '$gt':
          return c > 0;
        case '$gte':
          return c >= 0;
        case '$lt':
          return c < 0;
        case '$lte':
          return c <= 0;
        default:
          return new Int32(c < 0 ? -1 : c > 0 ? 1 : 0);
      }
    }
    // ----- boolean -----
    case '$and': {
      const list = Array.isArray(value) ? value : [value];
      for (const e of list) if (!truthy(evalExpr(e, scope))) return false;
      return true;
    }
    case '$or': {
      const list = Array.isArray(value) ? value : [value];
      for (const e of list) if (truthy(evalExpr(e, scope))) return true;
      return false;
    }
    case '$not':
      return !truthy(args(value, scope)[0]);
    // ----- conditional -----
    case '$cond': {
      let ifE: unknown, thenE: unknown, elseE: unknown;
      if (Array.isArray(value)) [ifE, thenE, elseE] = value;
      else if (isPlainObject(value)) ({ if: ifE, then: thenE, else: elseE } = value as Doc);
      else fail(16020, '$cond requires 3 arguments');
      return truthy(evalExpr(ifE, scope)) ? evalExpr(thenE, scope) : evalExpr(elseE, scope);
    }
    case '$ifNull': {
      const list = value as unknown[];
      for (let i = 0; i < list.length - 1; i++) {
        const v = evalExpr(list[i], scope);
        if (!nullish(v)) return v;
      }
      return evalExpr(list[list.length - 1], scope);
    }
    case '$switch': {
      const spec = value as { branches: { case: unknown; then: unknown }[]; default?: unknown };
      for (const b of spec.branches) if (truthy(evalExpr(b.case, scope))) return evalExpr(b.then, scope);
      if (!('default' in spec)) fail(40066, '$switch could not find a matching branch for an input, and no default was specified.');
      return evalExpr(spec.default, scope);
    }
    // ----- strings -----
    case '$concat': {
      const xs = args(value, scope);
      if (xs.some(nullish)) return null;
      for (const x of xs) if (typeof x !== 'string') fail(16702, `$concat only supports strings, not ${typeAlias(x)}`);
      return xs.join('');
    }
    case '$toLower':
    case '$toUpper': {
      const [s] = args(value, scope);
      if (nullish(s)) return '';
      const str = typeof s === 'string' ? s : String(stringify(s));
      return op === '$toLower' ? str.toLowerCase() : str.toUpperCase();
    }
    case '$strLenCP': {
      const [s] = args(value, scope);
      if (typeof s !== 'string') fail(34471, `$strLenCP requires a string argument, found: ${typeAlias(s)}`);
      return new Int32([...s].length);
    }
    case '$strLenBytes': {
      const [s] = args(value, scope);
      if (typeof s !== 'string') fail(34473, `$strLenBytes requires a string argument, found: ${typeAlias(s)}`);
      return new Int32(Buffer.byteLength(s));
    }
    case '$substr':
    case '$substrCP':
    case '$substrBytes': {
      const [s, start, len] = args(value, scope);
      if (nullish(s)) return '';
      const str = typeof s === 'string' ? s : String(stringify(s));
      const st = toNumber(start);
      const ln = toNumber(len);
      if (op === '$substrCP') return [...str].slice(st, ln < 0 ? undefined : st + ln).join('');
      const buf = Buffer.from(str);
      return buf.subarray(st, ln < 0 ? undefined : st + ln).toString();
    }
    case '$split': {
      const [s, d] = args(value, scope);
      if (nullish(s)) return null;
      return (s as string).split(d as string);
    }
    case '$trim':
    case '$ltrim':
    case '$rtrim': {
      const spec = value as { input: unknown; chars?: unknown };
      const s = evalExpr(spec.input, scope);
      if (nullish(s)) return null;
      const chars = spec.chars === undefined ? undefined : (evalExpr(spec.chars, scope) as string);
      let str = s as string;
      const isTrim = (c: string) => (chars === undefined ? /\s|\0/.test(c) : chars.includes(c));
      if (op !== '$rtrim') while (str.length && isTrim(str[0])) str = str.slice(1);
      if (op !== '$ltrim') while (str.length && isTrim(str[str.length - 1])) str = str.slice(0, -1);
      return str;
    }
    case '$indexOfCP':
    case '$indexOfBytes': {
      const [s, sub, start, end] = args(value, scope);
      if (nullish(s)) return null;
      const str = (s as string).slice(0, end === undefined ? undefined : toNumber(end));
      return new Int32(str.indexOf(sub as string, start === undefined ? 0 : toNumber(start)));
    }
    case '$strcasecmp': {
      const [a, b] = args(value, scope);
      const x = String(a ?? '').toUpperCase();
      const y = String(b ?? '').toUpperCase();
      return new Int32(x < y ? -1 : x > y ? 1 : 0);
    }
    case '$regexMatch': {
      const spec = value as { input: unknown; regex: unknown; options?: unknown };
      const s = evalExpr(spec.input, scope);
      if (typeof s !== 'string') return false;
      const r = evalExpr(spec.regex, scope);
      const re = r instanceof RegExp ? r : new RegExp(String(r), String(evalExpr(spec.options, scope) ?? ''));
      return re.test(s);
    }
    // ----- arrays -----
    case '$size': {
      const [a] = args(value, scope);
      if (!Array.isArray(a)) fail(17124, `The argument to $size must be an array. Type of argument: ${typeAlias(a)}`);
      return new Int32(a.length);
    }
    case '$isArray':
      return Array.isArray(args(value, scope)[0]);
    case '$arrayElemAt': {
      const [a, i] = args(value, scope);
      if (nullish(a) || nullish(i)) return null;
      if (!Array.isArray(a)) fail(28689, `$arrayElemAt's first argument must be an array, but is ${typeAlias(a)}`);
      const n = toNumber(i);
      const idx = n < 0 ? a.length + n : n;
      return a[idx];
    }
    case '$first':
    case '$last': {
      const [a] = args(value, scope);
      if (nullish(a)) return null;
      if (!Array.isArray(a)) fail(28689, `${op}'s argument must be an array, but is ${typeAlias(a)}`);
      return op === '$first' ? a[0] : a[a.length - 1];
    }
    case '$in': {
      const [v, a] = args(value, scope);
      if (!Array.isArray(a)) fail(40081, `$in requires an array as a second argument, found: ${typeAlias(a)}`);
      return a.some((x) => exprCompare(x, v) === 0);
    }
    case '$indexOfArray': {
      const [a, v, start, end] = args(value, scope);
      if (nullish(a)) return null;
      const arr = a as unknown[];
      const s = start === undefined ? 0 : toNumber(start);
      const e = end === undefined ? arr.length : toNumber(end);
      for (let i = s; i < Math.min(e, arr.length); i++) if (exprCompare(arr[i], v) === 0) return new Int32(i);
      return new Int32(-1);
    }
    case '$concatArrays': {
      const xs = args(value, scope);
      if (xs.some(nullish)) return null;
      return ([] as unknown[]).concat(...(xs as unknown[][]));
    }
    case '$reverseArray': {
      const [a] = args(value, scope);
      if (nullish(a)) return null;
      return [...(a as unknown[])].reverse();
    }
    case '$slice': {
      const xs = args(value, scope);
      const a = xs[0] as unknown[];
      if (nullish(a)) return null;
      if (xs.length === 2) {
        const n = toNumber(xs[1]);
        return n >= 0 ? a.slice(0, n) : a.slice(n);
      }
      let pos = toNumber(xs[1]);
      if (pos < 0) pos = Math.max(0, a.length + pos);
      return a.slice(pos, pos + toNumber(xs[2]));
    }
    case '$range': {
      const [s, e, st] = args(value, scope);
      const out: Int32[] = [];
      const step = st === undefined ? 1 : toNumber(st);
      for (let i = toNumber(s); step > 0 ? i < toNumber(e) : i > toNumber(e); i += step) out.push(new Int32(i));
      return out;
    }
    case '$filter': {
      const spec = value as { input: unknown; as?: string; cond: unknown; limit?: unknown };
      const input = evalExpr(spec.input, scope);
      if (nullish(input)) return null;
      if (!Array.isArray(input)) fail(28651, `input to $filter must be an array not ${typeAlias(input)}`);
      const name = spec.as ?? 'this';
      const limit = spec.limit === undefined ? Infinity : toNumber(evalExpr(spec.limit, scope));
      const out: unknown[] = [];
      for (const e of input) {
        if (out.length >= limit) break;
        if (truthy(evalExpr(spec.cond, { ...scope, [name]: e }))) out.push(e);
      }
      return out;
    }
    case '$map': {
      const spec = value as { input: unknown; as?: string; in: unknown };
      const input = evalExpr(spec.input, scope);
      if (nullish(input)) return null;
      if (!Array.isArray(input)) fail(16883, `input to $map must be an array not ${typeAlias(input)}`);
      const name = spec.as ?? 'this';
      return input.map((e) => evalExpr(spec.in, { ...scope, [name]: e }));
    }
    case '$reduce': {
      const spec = value as { input: unknown; initialValue: unknown; in: unknown };
      const input = evalExpr(spec.input, scope);
      if (nullish(input)) return null;
      let acc = evalExpr(spec.initialValue, scope);
      for (const e of input as unknown[]) acc = evalExpr(spec.in, { ...scope, value: acc, this: e });
      return acc;
    }
    case '$sum':
    case '$avg':
    case '$max':
    case '$min': {
      let xs = Array.isArray(value) ? value.map((v) => evalExpr(v, scope)) : [evalExpr(value, scope)];
      if (!Array.isArray(value) && Array.isArray(xs[0])) xs = xs[0] as unknown[];
      return accumulate(op, xs);
    }
    case '$setUnion':
    case '$setIntersection':
    case '$setDifference':
    case '$setEquals':
    case '$setIsSubset': {
      const xs = args(value, scope) as unknown[][];
      if (xs.some(nullish)) return null;
      const sets = xs.map((a) => new Map(a.map((x) => [canonicalKey(x), x])));
      if (op === '$setUnion') {
        const m = new Map<string, unknown>();
        for (const s of sets) for (const [k, v] of s) m.set(k, v);
        return [...m.values()];
      }
      if (op === '$setIntersection') return [...sets[0]].filter(([k]) => sets.every((s) => s.has(k))).map(([, v]) => v);
      if (op === '$setDifference') return [...sets[0]].filter(([k]) => !sets[1].has(k)).map(([, v]) => v);
      if (op === '$setIsSubset') return [...sets[0].keys()].every((k) => sets[1].has(k));
      return sets.every((s) => s.size === sets[0].size && [...s.keys()].every((k) => sets[0].has(k)));
    }
    case '$allElementsTrue':
      return (args(value, scope)[0] as unknown[]).every(truthy);
    case '$anyElementTrue':
      return (args(value, scope)[0] as unknown[]).some(truthy);
    case '$objectToArray': {
      const [o] = args(value, scope);
      if (nullish(o)) return null;
      return Object.entries(o as Doc).map(([k, v]) => ({ k, v }));
    }
    case '$arrayToObject': {
      const [a] = args(value, scope);
      if (nullish(a)) return null;
      const out: Doc = {};
      for (const e of a as unknown[]) {
        if (Array.isArray(e)) setField(out, e[0] as string, e[1]);
        else setField(out, (e as Doc).k as string, (e as Doc).v);
      }
      return out;
    }
    // ----- objects and variables -----
    case '$mergeObjects': {
      const xs = args(value, scope);
      const out: Doc = {};
      for (const x of xs) if (isPlainObject(x)) for (const k of Object.keys(x)) setField(out, k, x[k]);
      return out;
    }
    case '$getField': {
      const spec = isPlainObject(value) ? value : { field: value };
      const field = evalExpr(spec.field, scope) as string;
      const input = 'input' in spec ? evalExpr(spec.input, scope) : scope.CURRENT;
      if (!isPlainObject(input)) return nullish(input) ? null : undefined;
      return getField(input as Doc, field as string);
    }
    case '$let': {
      const spec = value as { vars: Doc; in: unknown };
      const inner: Vars = { ...scope };
      for (const [k, e] of Object.entries(spec.vars)) inner[k] = evalExpr(e, scope);
      return evalExpr(spec.in, inner);
    }
    // ----- types -----
    case '$type':
      return typeAlias(args(value, scope)[0]);
    case '$isNumber':
      return isNumeric(args(value, scope)[0]);
    case '$toString': {
      const [v] = args(value, scope);
      return nullish(v) ? null : stringify(v);
    }
    case '$toInt':
    case '$toLong':
    case '$toDouble':
    case '$toDecimal':
    case '$toBool':
    case '$toDate':
    case '$toObjectId':
      return convert(args(value, scope)[0], op.slice(3).toLowerCase());
    case '$convert': {
      const spec = value as { input: unknown; to: unknown; onError?: unknown; onNull?: unknown };
      const v = evalExpr(spec.input, scope);
      if (nullish(v)) return 'onNull' in spec ? evalExpr(spec.onNull, scope) : null;
      try {
        return convert(v, String(evalExpr(spec.to, scope)));
      } catch (e) {
        if ('onError' in spec) return evalExpr(spec.onError, scope);
        throw e;
      }
    }
    // ----- dates -----
    case '$year':
    case '$month':
    case '$dayOfMonth':
    case '$hour':
    case '$minute':
    case '$second':
    case '$millisecond':
    case '$dayOfWeek':
    case '$dayOfYear': {
      const raw = isPlainObject(value) && 'date' in value ? value.date : value;
      if (isPlainObject(value) && 'timezone' in value) return mingoFallback(op, value, scope);
      const v = args(raw, scope)[0];
      if (nullish(v)) return null;
      const d = toDate(op, v);
      const n =
        op === '$year'
          ? d.getUTCFullYear()
          : op === '$month'
            ? d.getUTCMonth() + 1
            : op === '$dayOfMonth'
              ? d.getUTCDate()
              : op === '$hour'
                ? d.getUTCHours()
                : op === '$minute'
                  ? d.getUTCMinutes()
                  : op === '$second'
                    ? d.getUTCSeconds()
                    : op === '$millisecond'
                      ? d.getUTCMilliseconds()
                      : op === '$dayOfWeek'
                        ? d.getUTCDay() + 1
                        : Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
      return new Int32(n);
    }
    case '$dateToString': {
      const spec = value as { date: unknown; format?: unknown; timezone?: unknown; onNull?: unknown };
      if (spec.timezone !== undefined) return mingoFallback(op, value, scope);
      const v = evalExpr(spec.date, scope);
      if (nullish(v)) return 'onNull' in spec ? evalExpr(spec.onNull, scope) : null;
      const fmt = spec.format === undefined ? '%Y-%m-%dT%H:%M:%S.%LZ' : String(evalExpr(spec.format, scope));
      return formatDate(toDate(op, v), fmt);
    }
    default:
      return mingoFallback(op, value, scope);
  }
}

/** Accumulator semantics shared by `$group` and the array forms of `$sum/$avg/$min/$max`. */
export function accumulate(op: string, xs: unknown[]): unknown {
  switch (op) {
    case '$sum': {
      let acc: unknown = new Int32(0);
      for (const x of xs) if (isNumeric(x)) acc = arith('add', acc, x, 'agg');
      return acc;
    }
    case '$avg': {
      const nums = xs.filter(isNumeric);
      if (nums.length === 0) return null;
      let acc: unknown = new Int32(0);
      for (const x of nums) acc = arith('add', acc, x, 'agg');
      if (numKind(acc) === 'decimal') return Decimal128.fromStringWithRounding(String(toNumber(acc) / nums.length));
      return dbl(toNumber(acc) / nums.length);
    }
    case '$max':
    case '$min': {
      let best: unknown = undefined;
      for (const x of xs) {
        if (nullish(x)) continue;
        if (best === undefined) best = x;
        else {
          const c = compareValues(x, best);
          if (op === '$max' ? c > 0 : c < 0) best = x;
        }
      }
      return best === undefined ? null : best;
    }
    default:
      return fail(15952, `unknown group operator '${op}'`);
  }
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

function formatDate(d: Date, fmt: string): string {
  return fmt.replace(/%([YmdHMSLjwuUGVzZ%])/g, (_, c: string) => {
    switch (c) {
      case 'Y':
        return pad(d.getUTCFullYear(), 4);
      case 'm':
        return pad(d.getUTCMonth() + 1, 2);
      case 'd':
        return pad(d.getUTCDate(), 2);
      case 'H':
        return pad(d.getUTCHours(), 2);
      case 'M':
        return pad(d.getUTCMinutes(), 2);
      case 'S':
        return pad(d.getUTCSeconds(), 2);
      case 'L':
        return pad(d.getUTCMilliseconds(), 3);
      case 'j':
        return pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1, 3);
      case 'w':
        return String(d.getUTCDay() + 1);
      case 'u':
        return String(d.getUTCDay() === 0 ? 7 : d.getUTCDay());
      case 'z':
        return '+0000';
      case 'Z':
        return '+0';
      case '%':
        return '%';
      default:
        return '';
    }
  });
}

/** `$toString` rendering. */
export function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  const t = bsonTypeOf(v);
  if (t === 'ObjectId') return (v as ObjectId).toHexString();
  if (isNumeric(v)) {
    if (t === 'Decimal128' || t === 'Long') return String((v as { toString(): string }).toString());
    const n = toNumber(v);
    return String(n);
  }
  if (typeof v === 'boolean') return String(v);
  if (t === 'Binary') return (v as { toString(enc: string): string }).toString('base64');
  return fail(16007, `Unsupported conversion from ${typeAlias(v)} to string in $convert with no onError value`);
}

function convert(v: unknown, to: string): unknown {
  if (nullish(v)) return null;
  switch (to) {
    case 'int':
    case 'long':
    case 'double':
    case 'decimal': {
      let n: number;
      if (typeof v === 'string') {
        n = Number(v);
        if (v.trim() === '' || Number.isNaN(n)) fail(241, `Failed to parse number '${v}' in $convert with no onError value`);
      } else if (typeof v === 'boolean') n = v ? 1 : 0;
      else if (v instanceof Date) n = v.getTime();
      else if (isNumeric(v)) n = toNumber(v);
      else return fail(241, `Unsupported conversion from ${typeAlias(v)} to ${to} in $convert with no onError value`);
      if (to === 'int') return new Int32(Math.trunc(n));
      if (to === 'long') return bsonTypeOf(v) === 'Long' ? v : Long.fromNumber(Math.trunc(n));
      if (to === 'double') return dbl(n);
      return bsonTypeOf(v) === 'Decimal128' ? v : Decimal128.fromString(typeof v === 'string' ? v.trim() : String(n));
    }
    case 'bool':
      return truthy(v);
    case 'date':
      if (v instanceof Date) return v;
      if (typeof v === 'string') {
        const d = new Date(v);
        if (Number.isNaN(d.getTime())) fail(241, `Error parsing date string '${v}'`);
        return d;
      }
      if (isNumeric(v)) return new Date(toNumber(v));
      return toDate('$toDate', v);
    case 'objectid':
    case 'objectId':
      if (bsonTypeOf(v) === 'ObjectId') return v;
      if (typeof v === 'string' && /^[0-9a-fA-F]{24}$/.test(v)) return new ObjectId(v);
      return fail(241, `Failed to parse objectId '${String(v)}' in $convert with no onError value: Invalid string length for parsing to OID, expected 24 but found ${String(v).length}`);
    case 'string':
      return stringify(v);
    default:
      return fail(2, `Unknown type name: ${to}`);
  }
}

/** BSON numerics → JS numbers, for handing values to mingo. */
export function toPlain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toPlain);
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) out[k] = toPlain(v[k]);
    return out;
  }
  if (isNumeric(v)) return toNumber(v);
  return v;
}

function mingoFallback(op: string, value: unknown, scope: Vars): unknown {
  const variables: Doc = {};
  for (const [k, v] of Object.entries(scope)) {
    if (k !== 'ROOT' && k !== 'CURRENT') variables[k] = toPlain(v);
  }
  try {
    const out = mingoAggregate([toPlain(scope.CURRENT ?? {}) as Doc], [{ $project: { _id: 0, v: { [op]: toPlain(value) } } }], {
      variables,
    });
    return (out[0] as Doc | undefined)?.v;
  } catch (e) {
    const msg = (e as Error).message;
    if (/unknown|not found|invalid/i.test(msg) && !/operator/i.test(msg)) fail(168, `Unrecognized expression '${op}'`);
    throw new CommandError(168, `Unrecognized expression '${op}' or invalid arguments: ${msg}`);
  }
}
