/**
 * `$jsonSchema` (JSON Schema draft 4 as MongoDB supports it, plus `bsonType`) over BSON
 * values, for collection validators and queries. Keywords constrain only values of the type
 * they are about (`minimum` ignores strings), as in MongoDB. The keywords MongoDB rejects
 * (`$ref`, `$schema`, `default`, `definitions`, `format`, `id`, type `integer`) are rejected.
 */
import { Doc, compareValues, isNumeric, isPlainObject, toNumber, typeAlias, valuesEqual, TYPE_NUMBERS } from '../bson/values';
import { CommandError } from '../errors';

type Check = (v: unknown) => boolean;

const JSON_TYPES = new Set(['object', 'array', 'number', 'boolean', 'string', 'null']);
const UNSUPPORTED = new Set(['$ref', '$schema', 'default', 'definitions', 'format', 'id']);
const IGNORED = new Set(['title', 'description']);

function fail(msg: string): never {
  throw new CommandError(9, msg);
}

function jsonTypeOf(v: unknown): string {
  const a = typeAlias(v);
  if (a === 'bool') return 'boolean';
  if (a === 'int' || a === 'long' || a === 'double' || a === 'decimal') return 'number';
  return a;
}

function typeList(v: unknown, keyword: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || list.some((t) => typeof t !== 'string')) fail(`$jsonSchema keyword '${keyword}' must be a string or an array of strings`);
  return list as string[];
}

function nonNegativeInt(v: unknown, keyword: string): number {
  if (!isNumeric(v) || !Number.isInteger(toNumber(v)) || toNumber(v) < 0) fail(`$jsonSchema keyword '${keyword}' must be a non-negative integer`);
  return toNumber(v);
}

function numberArg(v: unknown, keyword: string): number {
  if (!isNumeric(v)) fail(`$jsonSchema keyword '${keyword}' must be a number`);
  return toNumber(v);
}

function schemaList(v: unknown, keyword: string): Check[] {
  if (!Array.isArray(v) || v.length === 0) fail(`$jsonSchema keyword '${keyword}' must be a nonempty array`);
  return v.map((s) => compileSchema(s));
}

/** Compiles one (sub)schema into a check of a value. */
export function compileSchema(schema: unknown): Check {
  if (!isPlainObject(schema)) fail('$jsonSchema must be an object');
  const checks: Check[] = [];
  const isObj = (v: unknown): v is Doc => isPlainObject(v);
  if (schema.type !== undefined && schema.bsonType !== undefined) fail('Cannot specify both $jsonSchema keywords \'type\' and \'bsonType\'');
  for (const [k, arg] of Object.entries(schema)) {
    if (UNSUPPORTED.has(k)) fail(`$jsonSchema keyword '${k}' is not currently supported`);
    if (IGNORED.has(k)) continue;
    switch (k) {
      case 'type': {
        const types = typeList(arg, k);
        for (const t of types) {
          if (t === 'integer') fail("$jsonSchema type 'integer' is not currently supported.");
          if (!JSON_TYPES.has(t)) fail(`Unknown type name alias: ${t}`);
        }
        checks.push((v) => types.includes(jsonTypeOf(v)));
        break;
      }
      case 'bsonType': {
        const types = typeList(arg, k);
        for (const t of types) if (t !== 'number' && !(t in TYPE_NUMBERS)) fail(`Unknown type name alias: ${t}`);
        checks.push((v) => {
          const a = typeAlias(v);
          return types.some((t) => t === a || (t === 'number' && jsonTypeOf(v) === 'number'));
        });
        break;
      }
      case 'enum': {
        if (!Array.isArray(arg) || arg.length === 0) fail("$jsonSchema keyword 'enum' must be a nonempty array");
        checks.push((v) => arg.some((e) => valuesEqual(e, v)));
        break;
      }
      case 'minimum':
      case 'maximum': {
        const bound = numberArg(arg, k);
        const exclusive = schema[k === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true;
        checks.push((v) => {
          if (!isNumeric(v)) return true;
          const c = compareValues(v, bound);
          return k === 'minimum' ? (exclusive ? c > 0 : c >= 0) : exclusive ? c < 0 : c <= 0;
        });
        break;
      }
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        if (typeof arg !== 'boolean') fail(`$jsonSchema keyword '${k}' must be a boolean`);
        if (schema[k === 'exclusiveMinimum' ? 'minimum' : 'maximum'] === undefined) fail(`$jsonSchema keyword '${k === 'exclusiveMinimum' ? 'minimum' : 'maximum'}' must be a present if ${k} is present`);
        break;
      case 'multipleOf': {
        const m = numberArg(arg, k);
        if (m <= 0) fail("$jsonSchema keyword 'multipleOf' must have a positive value");
        checks.push((v) => !isNumeric(v) || Number.isInteger(toNumber(v) / m));
        break;
      }
      case 'minLength':
      case 'maxLength': {
        const n = nonNegativeInt(arg, k);
        checks.push((v) => typeof v !== 'string' || (k === 'minLength' ? [...v].length >= n : [...v].length <= n));
        break;
      }
      case 'pattern': {
        if (typeof arg !== 'string') fail("$jsonSchema keyword 'pattern' must be a string");
        const re = new RegExp(arg, 'u');
        checks.push((v) => typeof v !== 'string' || re.test(v));
        break;
      }
      case 'required': {
        if (!Array.isArray(arg) || arg.length === 0 || arg.some((x) => typeof x !== 'string')) fail("$jsonSchema keyword 'required' must be a nonempty array of strings");
        if (new Set(arg).size !== arg.length) fail("$jsonSchema keyword 'required' array cannot contain duplicate values");
        checks.push((v) => !isObj(v) || (arg as string[]).every((f) => Object.prototype.hasOwnProperty.call(v, f) && v[f] !== undefined));
        break;
      }
      case 'minProperties':
      case 'maxProperties': {
        const n = nonNegativeInt(arg, k);
        checks.push((v) => !isObj(v) || (k === 'minProperties' ? Object.keys(v).length >= n : Object.keys(v).length <= n));
        break;
      }
      case 'properties':
      case 'patternProperties':
      case 'additionalProperties':
        break; // handled together below
      case 'items': {
        if (Array.isArray(arg)) {
          const tuple = arg.map((s) => compileSchema(s));
          const extra = schema.additionalItems;
          const extraCheck = extra === undefined || extra === true ? undefined : extra === false ? () => false : compileSchema(extra);
          checks.push((v) => !Array.isArray(v) || v.every((e, i) => (i < tuple.length ? tuple[i](e) : extraCheck ? extraCheck(e) : true)));
        } else {
          const each = compileSchema(arg);
          checks.push((v) => !Array.isArray(v) || v.every(each));
        }
        break;
      }
      case 'additionalItems':
        if (typeof arg !== 'boolean' && !isPlainObject(arg)) fail("$jsonSchema keyword 'additionalItems' must be either an object or a boolean");
        break;
      case 'minItems':
      case 'maxItems': {
        const n = nonNegativeInt(arg, k);
        checks.push((v) => !Array.isArray(v) || (k === 'minItems' ? v.length >= n : v.length <= n));
        break;
      }
      case 'uniqueItems':
        if (typeof arg !== 'boolean') fail("$jsonSchema keyword 'uniqueItems' must be a boolean");
        if (arg) checks.push((v) => !Array.isArray(v) || v.every((e, i) => v.findIndex((x) => valuesEqual(x, e) && typeAlias(x) === typeAlias(e)) === i));
        break;
      case 'allOf': {
        const subs = schemaList(arg, k);
        checks.push((v) => subs.every((s) => s(v)));
        break;
      }
      case 'anyOf': {
        const subs = schemaList(arg, k);
        checks.push((v) => subs.some((s) => s(v)));
        break;
      }
      case 'oneOf': {
        const subs = schemaList(arg, k);
        checks.push((v) => subs.filter((s) => s(v)).length === 1);
        break;
      }
      case 'not': {
        const sub = compileSchema(arg);
        checks.push((v) => !sub(v));
        break;
      }
      case 'dependencies': {
        if (!isPlainObject(arg)) fail("$jsonSchema keyword 'dependencies' must be an object");
        for (const [field, dep] of Object.entries(arg)) {
          const has = (v: Doc, f: string) => Object.prototype.hasOwnProperty.call(v, f) && v[f] !== undefined;
          if (Array.isArray(dep)) checks.push((v) => !isObj(v) || !has(v, field) || dep.every((f) => has(v, String(f))));
          else {
            const sub = compileSchema(dep);
            checks.push((v) => !isObj(v) || !has(v, field) || sub(v));
          }
        }
        break;
      }
      default:
        fail(`Unknown $jsonSchema keyword: ${k}`);
    }
  }
  const props = schema.properties;
  const patterns = schema.patternProperties;
  const additional = schema.additionalProperties;
  if (props !== undefined || patterns !== undefined || additional !== undefined) {
    if (props !== undefined && !isPlainObject(props)) fail("$jsonSchema keyword 'properties' must be an object");
    if (patterns !== undefined && !isPlainObject(patterns)) fail("$jsonSchema keyword 'patternProperties' must be an object");
    if (additional !== undefined && typeof additional !== 'boolean' && !isPlainObject(additional)) fail("$jsonSchema keyword 'additionalProperties' must be either an object or a boolean");
    const named = new Map(Object.entries((props as Doc | undefined) ?? {}).map(([f, s]) => [f, compileSchema(s)]));
    const pats = Object.entries((patterns as Doc | undefined) ?? {}).map(([p, s]) => [new RegExp(p, 'u'), compileSchema(s)] as const);
    const extra = additional === undefined || additional === true ? undefined : additional === false ? () => false : compileSchema(additional);
    checks.push((v) => {
      if (!isObj(v)) return true;
      for (const f of Object.keys(v)) {
        const value = v[f];
        if (value === undefined) continue;
        let covered = false;
        const own = named.get(f);
        if (own) {
          covered = true;
          if (!own(value)) return false;
        }
        for (const [re, s] of pats) {
          if (re.test(f)) {
            covered = true;
            if (!s(value)) return false;
          }
        }
        if (!covered && extra && !extra(value)) return false;
      }
      return true;
    });
  }
  return (v) => checks.every((c) => c(v));
}

/** `{$jsonSchema: schema}` as a document predicate. */
export function compileJsonSchema(schema: unknown): (doc: Doc) => boolean {
  const check = compileSchema(schema);
  return (doc) => check(doc);
}
