/**
 * Aggregation pipeline over BSON documents. The stages applications use are implemented
 * here with BSON-type-preserving semantics; rarer stages fall back to mingo (with numerics
 * converted to JS numbers) and unknown stages fail like mongod (code 40324).
 */
import { aggregate as mingoAggregate } from 'mingo';
import { Double, Int32 } from 'bson';
import { Doc, canonicalKey, compareValues, deepClone, getField, isNumeric, isPlainObject, setField, toNumber, typeAlias } from '../bson/values';
import { arith, numKind } from '../bson/numbers';
import { CommandError } from '../errors';
import { accumulate, evaluateExpression, toPlain, Vars } from './expression';
import { Collation } from '../bson/collation';
import { compileFilter } from './matcher';
import { compileProjection } from './projection';
import { compileSort } from './sort';
import { aggregatePath, getPath } from './paths';
import { TEXT_SCORES_VAR, TextContext, usesText } from './text';

/** What a pipeline may need from the database: other collections, read at the same snapshot. */
export interface AggregateContext {
  resolveCollection?(name: string): Doc[];
  vars?: Vars;
  /** The command's collation: `$sort` and `$group` keys compare strings by it. */
  collation?: Collation;
  /** Set when the first stage is a `$match` with `$text`: its index and the matches' scores. */
  text?: TextContext;
}

const MINGO_STAGES = new Set(['$bucket', '$bucketAuto', '$setWindowFields', '$graphLookup', '$densify', '$fill', '$redact']);

/** Runs `pipeline` over `input` and returns the output documents. */
export function runPipeline(input: Doc[], pipeline: unknown[], ctx: AggregateContext = {}): Doc[] {
  let docs = input;
  for (let i = 0; i < pipeline.length; i++) {
    const stage = pipeline[i];
    if (!isPlainObject(stage)) throw new CommandError(14, 'Each element of the \'pipeline\' array must be an object');
    const names = Object.keys(stage);
    if (names.length !== 1) {
      throw new CommandError(40323, 'A pipeline stage specification object must contain exactly one field.');
    }
    if (i > 0 && names[0] === '$match' && usesText(stage.$match)) {
      throw new CommandError(17313, '$match with $text is only allowed as the first pipeline stage');
    }
    const next = pipeline[i + 1];
    if (names[0] === '$unwind' && isPlainObject(next) && Object.keys(next).length === 1 && '$group' in next) {
      // grouped as they are made: the unwound copies of a whole collection are never all
      // alive at once (they would outlive young-generation GCs and fill the old one)
      docs = group(unwound(docs, stage.$unwind), next.$group, ctx);
      i++;
      continue;
    }
    const before = docs;
    docs = runStage(names[0], stage[names[0]], docs, ctx);
    // text scores are metadata: they follow a document through stages that reshape it
    const scores = ctx.text?.scores;
    if (scores && docs.length === before.length && PER_DOCUMENT.has(names[0])) {
      docs.forEach((d, k) => {
        const sc = scores.get(before[k]);
        if (sc !== undefined && d !== before[k]) scores.set(d, sc);
      });
    }
  }
  return docs;
}

const PER_DOCUMENT = new Set(['$project', '$addFields', '$set', '$unset', '$replaceRoot', '$replaceWith', '$lookup']);

function vars(ctx: AggregateContext): Vars {
  const v: Vars = { NOW: new Date(), ...(ctx.vars ?? {}) };
  if (ctx.text) v[TEXT_SCORES_VAR] = ctx.text.scores;
  return v;
}

function runStage(name: string, spec: unknown, docs: Doc[], ctx: AggregateContext): Doc[] {
  switch (name) {
    case '$match': {
      if (!isPlainObject(spec)) throw new CommandError(15959, 'the match filter must be an expression in an object');
      const p = compileFilter(spec, vars(ctx), ctx.text);
      return docs.filter((d) => p(d));
    }
    case '$project': {
      if (!isPlainObject(spec)) throw new CommandError(15969, '$project specification must be an object');
      if (Object.keys(spec).length === 0) throw new CommandError(51272, '$project requires at least one output field');
      const proj = compileProjection(spec, true);
      const v = vars(ctx);
      return docs.map((d) => proj.apply(d, undefined, v));
    }
    case '$addFields':
    case '$set': {
      if (!isPlainObject(spec)) throw new CommandError(40272, `${name} specification stage must be an object`);
      const v = vars(ctx);
      return docs.map((d) => addFields(d, spec, v));
    }
    case '$unset': {
      const fields = typeof spec === 'string' ? [spec] : spec;
      if (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f !== 'string')) {
        throw new CommandError(31002, '$unset specification must be a string or an array containing only string values');
      }
      const proj = compileProjection(Object.fromEntries(fields.map((f) => [f as string, 0])), true);
      return docs.map((d) => proj.apply(d));
    }
    case '$replaceRoot':
    case '$replaceWith': {
      const expr = name === '$replaceRoot' ? (spec as Doc).newRoot : spec;
      const v = vars(ctx);
      return docs.map((d) => {
        const r = evaluateExpression(expr, d, v);
        if (!isPlainObject(r)) {
          throw new CommandError(40228, `'replacement document' must evaluate to an object, but resulting value was: ${r === undefined ? 'MISSING' : String(r)}. Type of resulting value: '${typeAlias(r)}'. Input document: ${JSON.stringify(toPlain(d))}`);
        }
        return r;
      });
    }
    case '$sort': {
      const cmp = compileSort(spec, ctx.collation?.compare, ctx.text?.scores);
      if (!cmp) throw new CommandError(15976, '$sort stage must have at least one sort key');
      return [...docs].sort(cmp);
    }
    case '$limit': {
      if (!isNumeric(spec)) throw new CommandError(15957, 'the limit must be specified as a number');
      const n = toNumber(spec);
      if (n <= 0) throw new CommandError(15958, 'the limit must be positive');
      return docs.slice(0, n);
    }
    case '$skip': {
      if (!isNumeric(spec)) throw new CommandError(15972, 'Argument to $skip must be a number.');
      const n = toNumber(spec);
      if (n < 0) throw new CommandError(15956, `Argument to $skip cannot be negative`);
      return docs.slice(n);
    }
    case '$count': {
      if (typeof spec !== 'string' || spec === '') throw new CommandError(40156, 'the count field must be a non-empty string');
      if (spec.startsWith('$')) throw new CommandError(40158, 'the count field cannot be a $-prefixed path');
      if (spec.includes('.')) throw new CommandError(40160, "the count field cannot contain '.'");
      return docs.length === 0 ? [] : [{ [spec]: new Int32(docs.length) }];
    }
    case '$group':
      return group(docs, spec, ctx);
    case '$sortByCount': {
      const grouped = group(docs, { _id: spec, count: { $sum: 1 } }, ctx);
      return grouped.sort((a, b) => compareValues(b.count, a.count));
    }
    case '$unwind':
      return [...unwound(docs, spec)];
    case '$lookup':
      return lookup(docs, spec, ctx);
    case '$unionWith': {
      const s = typeof spec === 'string' ? { coll: spec } : (spec as Doc);
      if (!ctx.resolveCollection) throw new CommandError(2, '$unionWith needs a collection resolver');
      const other = ctx.resolveCollection(String(s.coll));
      const extra = Array.isArray(s.pipeline) ? runPipeline(other, s.pipeline, ctx) : other;
      return [...docs, ...extra];
    }
    case '$facet': {
      if (!isPlainObject(spec)) throw new CommandError(15947, 'a facet\'s fields must be specified in an object');
      const out: Doc = {};
      for (const [k, p] of Object.entries(spec)) {
        if (!Array.isArray(p)) throw new CommandError(40170, `arguments to $facet must be arrays, ${k} is type ${typeAlias(p)}`);
        setField(out, k, runPipeline(docs, p, ctx));
      }
      return [out];
    }
    case '$sample': {
      const n = toNumber((spec as Doc).size);
      const copy = [...docs];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy.slice(0, n);
    }
    case '$out':
    case '$merge':
      throw new CommandError(2, `${name} is not supported by the emulator`);
    default:
      if (MINGO_STAGES.has(name)) {
        const out = mingoAggregate(docs.map((d) => toPlain(d) as Doc), [{ [name]: toPlain(spec) }], {
          collectionResolver: ctx.resolveCollection ? (n: string) => ctx.resolveCollection!(n).map((d) => toPlain(d) as Doc) : undefined,
        });
        return out as Doc[];
      }
      throw new CommandError(40324, `Unrecognized pipeline stage name: '${name}'`);
  }
}

/** `$addFields`: computed values, merging into existing subdocuments for nested specs. */
export function addFields(doc: Doc, spec: Doc, v: Vars): Doc {
  const out = { ...doc };
  for (const [path, expr] of Object.entries(spec)) {
    const parts = path.split('.');
    if (isPlainObject(expr) && Object.keys(expr).length > 0 && !Object.keys(expr)[0].startsWith('$')) {
      const existing = getPath(out, parts);
      const base = isPlainObject(existing) ? existing : {};
      const merged = addFields(base, expr, { ...v, ROOT: v.ROOT ?? doc });
      setPath(out, parts, evaluateNested(merged));
      continue;
    }
    const value = evaluateExpression(expr, doc, v);
    if (value === undefined) unsetPath(out, parts);
    else setPath(out, parts, value);
  }
  return out;
}

function evaluateNested(d: Doc): Doc {
  return d;
}

function setPath(doc: Doc, parts: string[], value: unknown): void {
  let cur = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = getField(cur, parts[i]);
    const copy = isPlainObject(next) ? { ...next } : {};
    setField(cur, parts[i], copy);
    cur = copy;
  }
  setField(cur, parts[parts.length - 1], value);
}

function unsetPath(doc: Doc, parts: string[]): void {
  let cur = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = getField(cur, parts[i]);
    if (!isPlainObject(next)) return;
    const copy = { ...next };
    setField(cur, parts[i], copy);
    cur = copy;
  }
  delete cur[parts[parts.length - 1]];
}

interface Acc {
  add(v: unknown, doc: Doc): void;
  result(): unknown;
}

function makeAccumulator(op: string, arg: unknown, v: Vars): Acc {
  const ev = (doc: Doc) => evaluateExpression(arg, doc, v);
  switch (op) {
    case '$sum': {
      let acc: unknown = new Int32(0);
      return {
        add: (_x, d) => {
          const x = ev(d);
          if (isNumeric(x)) acc = arith('add', acc, x, 'agg');
        },
        result: () => acc,
      };
    }
    case '$count': {
      let n = 0;
      return { add: () => void n++, result: () => new Int32(n) };
    }
    case '$avg': {
      const xs: unknown[] = [];
      return { add: (_x, d) => void xs.push(ev(d)), result: () => accumulate('$avg', xs) };
    }
    case '$min':
    case '$max': {
      const xs: unknown[] = [];
      return { add: (_x, d) => void xs.push(ev(d)), result: () => accumulate(op, xs) };
    }
    case '$first': {
      let seen = false;
      let val: unknown = null;
      return {
        add: (_x, d) => {
          if (!seen) {
            seen = true;
            val = ev(d);
          }
        },
        result: () => (val === undefined ? null : val),
      };
    }
    case '$last': {
      let val: unknown = null;
      return { add: (_x, d) => void (val = ev(d)), result: () => (val === undefined ? null : val) };
    }
    case '$push': {
      const xs: unknown[] = [];
      return {
        add: (_x, d) => {
          const x = ev(d);
          if (x !== undefined) xs.push(x);
        },
        result: () => xs,
      };
    }
    case '$addToSet': {
      const m = new Map<string, unknown>();
      return {
        add: (_x, d) => {
          const x = ev(d);
          if (x !== undefined && !m.has(canonicalKey(x))) m.set(canonicalKey(x), x);
        },
        result: () => [...m.values()],
      };
    }
    case '$mergeObjects': {
      const out: Doc = {};
      return {
        add: (_x, d) => {
          const x = ev(d);
          if (isPlainObject(x)) for (const k of Object.keys(x)) setField(out, k, x[k]);
        },
        result: () => out,
      };
    }
    case '$stdDevPop':
    case '$stdDevSamp': {
      const xs: number[] = [];
      return {
        add: (_x, d) => {
          const x = ev(d);
          if (isNumeric(x)) xs.push(toNumber(x));
        },
        result: () => {
          const n = xs.length;
          if (n === 0 || (op === '$stdDevSamp' && n === 1)) return null;
          const mean = xs.reduce((a, b) => a + b, 0) / n;
          const ss = xs.reduce((a, b) => a + (b - mean) ** 2, 0);
          return new Double(Math.sqrt(ss / (op === "$stdDevPop" ? n : n - 1)));
        },
      };
    }
    default:
      throw new CommandError(15952, `unknown group operator '${op}'`);
  }
}

function group(docs: Iterable<Doc>, spec: unknown, ctx: AggregateContext): Doc[] {
  if (!isPlainObject(spec)) throw new CommandError(15947, 'a group\'s fields must be specified in an object');
  if (!('_id' in spec)) throw new CommandError(15955, "a group specification must include an _id");
  const v = vars(ctx);
  const fields = Object.entries(spec).filter(([k]) => k !== '_id');
  for (const [k, f] of fields) {
    if (k.includes('.')) throw new CommandError(40235, `The field name '${k}' cannot contain '.'`);
    if (!isPlainObject(f) || Object.keys(f).length !== 1) {
      throw new CommandError(40234, `The field '${k}' must be an accumulator object`);
    }
  }
  const groups = new Map<string, { id: unknown; accs: Acc[] }>();
  const canon = ctx.collation?.canonicalizer();
  for (const d of docs) {
    let id = evaluateExpression(spec._id, d, v);
    if (id === undefined) id = null;
    const key = canonicalKey(id, canon);
    let g = groups.get(key);
    if (!g) {
      g = {
        id,
        accs: fields.map(([, f]) => {
          const op = Object.keys(f as Doc)[0];
          return makeAccumulator(op, (f as Doc)[op], v);
        }),
      };
      groups.set(key, g);
    }
    for (const a of g.accs) a.add(undefined, d);
  }
  const out: Doc[] = [];
  for (const g of groups.values()) {
    const row: Doc = { _id: g.id };
    fields.forEach(([k], i) => {
      const r = g.accs[i].result();
      setField(row, k, r);
    });
    out.push(row);
  }
  return out;
}

/** The documents `$unwind` makes of `docs`, one at a time (its spec is checked at once, before any). */
function unwound(docs: Iterable<Doc>, spec: unknown): Iterable<Doc> {
  const s = typeof spec === 'string' ? { path: spec } : (spec as Doc);
  const path = s.path;
  if (typeof path !== 'string' || !path.startsWith('$')) {
    throw new CommandError(28818, "path option to $unwind stage should be prefixed with a '$'");
  }
  const parts = path.slice(1).split('.');
  const preserve = s.preserveNullAndEmptyArrays === true;
  const indexField = typeof s.includeArrayIndex === 'string' ? s.includeArrayIndex : undefined;
  return unwindEach(docs, parts, preserve, indexField);
}

function* unwindEach(docs: Iterable<Doc>, parts: string[], preserve: boolean, indexField: string | undefined): Generator<Doc> {
  for (const d of docs) {
    const value = getPath(d, parts);
    if (Array.isArray(value)) {
      if (value.length === 0) {
        if (preserve) {
          const c = deepClone(d);
          removeAt(c, parts);
          if (indexField) c[indexField] = null;
          yield c;
        }
        continue;
      }
      for (let i = 0; i < value.length; i++) {
        const c = { ...d };
        placeAt(c, parts, value[i]);
        if (indexField) c[indexField] = new Int32(i);
        yield c;
      }
    } else if (value === undefined || value === null) {
      if (preserve) {
        const c = { ...d };
        if (indexField) c[indexField] = null;
        yield c;
      }
    } else {
      const c = { ...d };
      if (indexField) c[indexField] = null;
      yield c;
    }
  }
}

function placeAt(doc: Doc, parts: string[], value: unknown): void {
  let cur = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const copy = { ...(getField(cur, parts[i]) as Doc) };
    setField(cur, parts[i], copy);
    cur = copy;
  }
  setField(cur, parts[parts.length - 1], value);
}

function removeAt(doc: Doc, parts: string[]): void {
  let cur: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) cur = (cur as Doc)[parts[i]];
  if (isPlainObject(cur)) delete cur[parts[parts.length - 1]];
}

function lookup(docs: Doc[], spec: unknown, ctx: AggregateContext): Doc[] {
  if (!isPlainObject(spec)) throw new CommandError(40319, 'the $lookup stage specification must be an object');
  const from = spec.from;
  const as = spec.as;
  if (typeof as !== 'string') throw new CommandError(40321, "must specify 'as' field for a $lookup");
  if (!ctx.resolveCollection) throw new CommandError(2, '$lookup needs a collection resolver');
  const foreign = typeof from === 'string' ? ctx.resolveCollection(from) : [];
  const hasPipeline = Array.isArray(spec.pipeline);
  const hasFields = typeof spec.localField === 'string' && typeof spec.foreignField === 'string';
  if (!hasPipeline && !hasFields) {
    throw new CommandError(40321, "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified");
  }
  const v = vars(ctx);
  return docs.map((d) => {
    let matches = foreign;
    if (hasFields) {
      const local = aggregatePath(d, (spec.localField as string).split('.'));
      const values = Array.isArray(local) ? (local.length ? local : [undefined]) : [local];
      const inList = values.map((x) => (x === undefined ? null : x));
      const p = compileFilter({ [spec.foreignField as string]: { $in: inList } });
      matches = matches.filter((f) => p(f));
    }
    if (hasPipeline) {
      const letVars: Vars = { ...v };
      if (isPlainObject(spec.let)) {
        for (const [k, e] of Object.entries(spec.let)) letVars[k] = evaluateExpression(e, d, v);
      }
      matches = runPipeline(matches, spec.pipeline as unknown[], { ...ctx, vars: letVars });
    }
    const out = { ...d };
    setPath(out, as.split('.'), matches);
    return out;
  });
}

/** Numeric kind helper re-exported for tests. */
export const _numKind = numKind;
