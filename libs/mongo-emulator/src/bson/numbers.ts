/**
 * Type-preserving BSON arithmetic, as MongoDB does it: int32 + int32 stays int32 unless it
 * overflows (then int64), any double makes a double, any decimal makes a decimal.
 * mingo only handles JS numbers (`$inc` on a Long silently does nothing), hence this module.
 */
import { Decimal128, Double, Int32, Long } from 'bson';
import { bsonTypeOf, toNumber } from './values';

export type NumKind = 'int' | 'long' | 'double' | 'decimal';

const RANK: Record<NumKind, number> = { int: 0, long: 1, double: 2, decimal: 3 };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The numeric kind of a value, or undefined when it is not a number. */
export function numKind(v: unknown): NumKind | undefined {
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0) ? 'int' : 'double';
  }
  if (typeof v === 'bigint') return 'long';
  switch (bsonTypeOf(v)) {
    case 'Int32':
      return 'int';
    case 'Long':
      return 'long';
    case 'Double':
      return 'double';
    case 'Decimal128':
      return 'decimal';
    default:
      return undefined;
  }
}

function toBig(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (bsonTypeOf(v) === 'Long') return (v as Long).toBigInt();
  return BigInt(Math.trunc(toNumber(v)));
}

/** Exact decimal: value = coeff * 10^exp, or a special value. */
interface Dec {
  special?: 'NaN' | 'Infinity' | '-Infinity';
  coeff: bigint;
  exp: number;
  negZero?: boolean;
}

function toDec(v: unknown): Dec {
  let s: string;
  if (bsonTypeOf(v) === 'Decimal128') s = (v as Decimal128).toString();
  else if (typeof v === 'bigint' || bsonTypeOf(v) === 'Long') return { coeff: toBig(v), exp: 0 };
  else {
    const n = toNumber(v);
    if (Number.isNaN(n)) return { special: 'NaN', coeff: 0n, exp: 0 };
    if (n === Infinity) return { special: 'Infinity', coeff: 0n, exp: 0 };
    if (n === -Infinity) return { special: '-Infinity', coeff: 0n, exp: 0 };
    s = Number.isInteger(n) && Math.abs(n) < 1e21 ? BigInt(n).toString() : n.toPrecision(15).replace(/\.?0+(e|$)/, '$1');
  }
  if (s === 'NaN' || s === '-NaN') return { special: 'NaN', coeff: 0n, exp: 0 };
  if (s === 'Infinity') return { special: 'Infinity', coeff: 0n, exp: 0 };
  if (s === '-Infinity') return { special: '-Infinity', coeff: 0n, exp: 0 };
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m) return { special: 'NaN', coeff: 0n, exp: 0 };
  const digits = (m[2] || '') + (m[3] || '');
  let coeff = BigInt(digits || '0');
  if (m[1] === '-') coeff = -coeff;
  const exp = (m[4] ? parseInt(m[4], 10) : 0) - (m[3] ? m[3].length : 0);
  return { coeff, exp, negZero: m[1] === '-' && coeff === 0n };
}

function fromDec(d: Dec): Decimal128 {
  if (d.special) return Decimal128.fromString(d.special);
  const neg = d.coeff < 0n;
  const digits = (neg ? -d.coeff : d.coeff).toString();
  const text = `${neg || d.negZero ? '-' : ''}${digits}E${d.exp >= 0 ? '+' : ''}${d.exp}`;
  return Decimal128.fromStringWithRounding(text);
}

function decAdd(a: Dec, b: Dec): Dec {
  if (a.special || b.special) {
    const s = [a.special, b.special];
    if (s.includes('NaN') || (s.includes('Infinity') && s.includes('-Infinity'))) return { special: 'NaN', coeff: 0n, exp: 0 };
    return { special: (a.special ?? b.special) as Dec['special'], coeff: 0n, exp: 0 };
  }
  const exp = Math.min(a.exp, b.exp);
  const ca = a.coeff * 10n ** BigInt(a.exp - exp);
  const cb = b.coeff * 10n ** BigInt(b.exp - exp);
  return { coeff: ca + cb, exp };
}

function decMul(a: Dec, b: Dec): Dec {
  if (a.special || b.special) {
    if (a.special === 'NaN' || b.special === 'NaN') return { special: 'NaN', coeff: 0n, exp: 0 };
    const zero = (!a.special && a.coeff === 0n) || (!b.special && b.coeff === 0n);
    if (zero) return { special: 'NaN', coeff: 0n, exp: 0 };
    const negA = a.special ? a.special === '-Infinity' : a.coeff < 0n;
    const negB = b.special ? b.special === '-Infinity' : b.coeff < 0n;
    return { special: negA !== negB ? '-Infinity' : 'Infinity', coeff: 0n, exp: 0 };
  }
  return { coeff: a.coeff * b.coeff, exp: a.exp + b.exp };
}

/** Builds a value of the given kind. */
export function makeNumber(kind: NumKind, value: number | bigint): unknown {
  switch (kind) {
    case 'int':
      return new Int32(Number(value));
    case 'long':
      return typeof value === 'bigint' ? Long.fromBigInt(value) : Long.fromNumber(value);
    case 'double':
      return new Double(Number(value));
    case 'decimal':
      return fromDec(toDec(value));
  }
}

export class NumericOverflow extends Error {}

type Op = 'add' | 'mul';

/**
 * `a op b` with MongoDB's result type. In `update` mode (the `$inc`/`$mul` operators) an
 * int64 overflow throws NumericOverflow, as the server refuses it; in `agg` mode it becomes a double.
 */
export function arith(op: Op, a: unknown, b: unknown, mode: 'update' | 'agg' = 'update'): unknown {
  const ka = numKind(a)!;
  const kb = numKind(b)!;
  const kind: NumKind = RANK[ka] >= RANK[kb] ? ka : kb;
  if (kind === 'decimal') {
    const r = op === 'add' ? decAdd(toDec(a), toDec(b)) : decMul(toDec(a), toDec(b));
    return fromDec(r);
  }
  if (kind === 'double') {
    const x = toNumber(a);
    const y = toNumber(b);
    return new Double(op === 'add' ? x + y : x * y);
  }
  const x = toBig(a);
  const y = toBig(b);
  const r = op === 'add' ? x + y : x * y;
  if (kind === 'int' && r >= -2147483648n && r <= 2147483647n) return new Int32(Number(r));
  if (r >= INT64_MIN && r <= INT64_MAX) return Long.fromBigInt(r);
  if (mode === 'update') throw new NumericOverflow('int64 overflow');
  return new Double(Number(r));
}

/** Negation preserving type (used by $subtract). */
export function negate(v: unknown): unknown {
  const k = numKind(v);
  if (k === 'decimal') {
    const d = toDec(v);
    if (d.special === 'Infinity') return Decimal128.fromString('-Infinity');
    if (d.special === '-Infinity') return Decimal128.fromString('Infinity');
    if (d.special) return v;
    return fromDec({ coeff: -d.coeff, exp: d.exp, negZero: d.coeff === 0n && !d.negZero });
  }
  if (k === 'double') return new Double(-toNumber(v));
  const b = -toBig(v);
  if (k === 'int' && b >= -2147483648n && b <= 2147483647n) return new Int32(Number(b));
  if (b >= INT64_MIN && b <= INT64_MAX) return Long.fromBigInt(b);
  return new Double(Number(b));
}

/** Sum of many values with aggregation semantics (non-numbers are ignored, like `$sum`). */
export function sumValues(values: unknown[]): unknown {
  let acc: unknown = new Int32(0);
  for (const v of values) {
    if (numKind(v) === undefined) continue;
    acc = arith('add', acc, v, 'agg');
  }
  return acc;
}

/** A plain JS number of kind int/double, used for reply counters. */
export function plain(v: unknown): number {
  return toNumber(v);
}
