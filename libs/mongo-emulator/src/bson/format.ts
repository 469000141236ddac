/**
 * Renders BSON values the way mongod prints them in error messages
 * (`{ _id: ObjectId('...'), x: "foo" }`).
 */
import { bsonTypeOf, isPlainObject } from './values';

export function formatValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
  if (Array.isArray(v)) return v.length ? `[ ${v.map(formatValue).join(', ')} ]` : '[]';
  switch (bsonTypeOf(v)) {
    case 'ObjectId':
      return `ObjectId('${(v as { toHexString(): string }).toHexString()}')`;
    case 'Int32':
      return String((v as { value: number }).value);
    case 'Double': {
      const n = (v as { value: number }).value;
      return Number.isInteger(n) ? `${n}.0` : String(n);
    }
    case 'Long':
      return String(v);
    case 'Decimal128':
      return `${String(v)}`;
    case 'Timestamp': {
      const t = v as { t: number; i: number };
      return `Timestamp(${t.t}, ${t.i})`;
    }
    case 'Binary': {
      const b = v as { sub_type: number; toString(enc: string): string };
      return `BinData(${b.sub_type}, ${b.toString('hex').toUpperCase()})`;
    }
    case 'MinKey':
      return 'MinKey';
    case 'MaxKey':
      return 'MaxKey';
    default:
      break;
  }
  if (isPlainObject(v)) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return entries.length ? `{ ${entries.map(([k, x]) => `${k}: ${formatValue(x)}`).join(', ')} }` : '{}';
  }
  return String(v);
}
