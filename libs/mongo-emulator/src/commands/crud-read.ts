/**
 * find, getMore, killCursors, count, distinct and aggregate. Results are computed at the
 * command's view (transaction snapshot, readConcern snapshot time, or latest) and served in
 * batches through int64 cursor ids.
 */
import { BSON, Long } from 'bson';
import { Doc, bsonTypeOf, canonicalKey, compareValues, isNumeric, isPlainObject, toNumber } from '../bson/values';
import { CommandError } from '../errors';
import { toLong } from '../cursors';
import { runPipeline } from '../query/aggregate';
import { compileFilter, MatchContext, withCollation } from '../query/matcher';
import { compileProjection } from '../query/projection';
import { compileSort } from '../query/sort';
import { pathCandidates } from '../query/paths';
import { TEXT_SCORES_VAR, TextContext, textContextFor, usesText } from '../query/text';
import type { Collection } from '../storage/collection';
import { CommandContext, CommandSpec, collectionName, optBool, optDoc, optNumber } from './context';
import { checkHint, queryCollation } from './options';
import type { PlanOptions, ScanPlan } from '../storage/planner';
import { changeStreamGetMore, isChangeStream, openChangeStream } from './change-streams';
import { WRITE_STAGES, runMerge, runOut } from './aggregate-out';

const DEFAULT_BATCH = 101;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

/** Takes up to `count` documents, stopping before the batch would exceed 16 MiB. */
function takeBatch(docs: Doc[], from: number, count: number): Doc[] {
  const out: Doc[] = [];
  let bytes = 0;
  for (let i = from; i < docs.length && out.length < count; i++) {
    // a batch's first document always goes in: its size matters only if another may follow
    if (out.length === 0 && (count === 1 || i + 1 === docs.length)) {
      out.push(docs[i]);
      break;
    }
    const size = BSON.calculateObjectSize(docs[i]);
    if (out.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    bytes += size;
    out.push(docs[i]);
  }
  return out;
}

/** Builds a `{cursor: {firstBatch, id, ns}}` reply, registering the rest for getMore. */
export function cursorReply(ctx: CommandContext, ns: string, docs: Doc[], batchSize: number | undefined, singleBatch = false): Doc {
  const size = batchSize === undefined || batchSize === 0 ? (batchSize === 0 ? 0 : DEFAULT_BATCH) : batchSize;
  const first = takeBatch(docs, 0, size);
  let id = 0n;
  const extra: Doc = {};
  if (ctx.atClusterTime) extra.atClusterTime = ctx.atClusterTime;
  if (!singleBatch && first.length < docs.length) {
    id = ctx.server.cursors.open(ns, docs, first.length, ctx.session?.key, ctx.txn?.id, extra);
    ctx.txn?.cursorIds.add(id);
  }
  return { cursor: { firstBatch: first, id: toLong(id), ns, ...extra } };
}

/** Index specs of a collection (for the text index a `$text` query needs). */
export function indexSpecs(coll: Collection | undefined): Doc[] {
  return coll ? [...coll.indexes.values()].map((ix) => ix.spec) : [];
}

/**
 * The documents a read sees in `name`: the collection's visible documents, or for a view the
 * output of its pipeline over its source (views on views resolve recursively).
 */
export function sourceDocs(ctx: CommandContext, name: string, filter?: unknown, depth = 0): Doc[] {
  const coll = ctx.engine.collection(ctx.db, name);
  const viewOn = coll?.options.viewOn;
  if (typeof viewOn === 'string') {
    if (depth > 20) throw new CommandError(5, 'View depth too deep or view cycle detected');
    const base = sourceDocs(ctx, viewOn, undefined, depth + 1);
    return runPipeline(base, (coll!.options.pipeline as unknown[]) ?? [], { resolveCollection: (n) => sourceDocs(ctx, n) });
  }
  return ctx.engine.scanDocs(coll, ctx.view, filter);
}

/**
 * The documents a read of `filter` walks (as rows: `row.doc`), as the planner orders them:
 * `sorted` says they come in the order of `opts.sort` (so a limit can stop early). Views are
 * materialized. `plan` is there for a count the index can answer (engine.countExact).
 */
function plannedRows(ctx: CommandContext, name: string, filter: Doc, opts: PlanOptions): { rows: Iterable<{ doc: Doc }>; sorted: boolean; plan?: ScanPlan } {
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll || typeof coll.options.viewOn === 'string') return { rows: sourceDocs(ctx, name).map((doc) => ({ doc })), sorted: false };
  const plan = ctx.engine.plan(coll, filter, opts);
  return { rows: ctx.engine.rows(coll, ctx.view, plan), sorted: plan.sorted, plan };
}

/** The `$text` context of a read, built only when the filter uses `$text`. */
function textFor(coll: Collection | undefined, filter: unknown): TextContext | undefined {
  return usesText(filter) ? textContextFor(indexSpecs(coll), filter) : undefined;
}

function checkBatchSize(v: number | undefined, field = 'batchSize'): void {
  if (v !== undefined && v < 0) throw new CommandError(51024, `BSON field '${field}' value must be >= 0, actual value '${v}'`);
}

async function find(ctx: CommandContext): Promise<Doc> {
  const name = collectionName(ctx);
  const body = ctx.body;
  const filter = body.filter ?? {};
  if (!isPlainObject(filter)) throw new CommandError(14, "BSON field 'FindCommandRequest.filter' is the wrong type, expected type 'object'");
  const coll = ctx.engine.collection(ctx.db, name);
  const text = textFor(coll, filter);
  const vars = text ? { ...(optDoc(body, 'let') ?? {}), [TEXT_SCORES_VAR]: text.scores } : optDoc(body, 'let');
  const collation = queryCollation(coll, body.collation);
  const pred = compileFilter(filter, withCollation(vars, collation?.compare), text);
  // {$natural: ±1} is insertion order (or its reverse), not a field
  const natural = isPlainObject(body.sort) && Object.keys(body.sort).length === 1 && '$natural' in body.sort ? toNumber(body.sort.$natural) : undefined;
  const sort = natural === undefined ? compileSort(body.sort, collation?.compare, text?.scores) : undefined;
  const projSpec = optDoc(body, 'projection');
  const projection = projSpec && Object.keys(projSpec).length ? compileProjection(projSpec) : undefined;
  const skip = optNumber(body, 'skip', 0)!;
  if (skip < 0) throw new CommandError(51024, `BSON field 'skip' value must be >= 0, actual value '${skip}'`);
  const limit = optNumber(body, 'limit', 0)!;
  const singleBatch = optBool(body, 'singleBatch');
  if (limit < 0) {
    throw new CommandError(51024, `BSON field 'limit' value must be >= 0, actual value '${limit}'`);
  }
  const batchSize = optNumber(body, 'batchSize');
  checkBatchSize(batchSize);
  checkHint(coll, body.hint);
  let matched: { doc: Doc; idx?: number }[] = [];
  const hint = natural === undefined ? body.hint : { $natural: natural };
  const src = plannedRows(ctx, name, filter, { sort: sort ? body.sort : undefined, hint, collation: collation?.key });
  // in sort order already: only the first skip + limit matches are needed
  const enough = src.sorted && limit ? skip + limit : Infinity;
  for (const { doc } of src.rows) {
    const m: MatchContext = {};
    if (pred(doc, m)) matched.push({ doc, idx: m.arrayIndex });
    if (matched.length >= enough) break;
  }
  if (sort && !src.sorted) matched.sort((a, b) => sort(a.doc, b.doc));
  if (skip) matched = matched.slice(skip);
  if (limit) matched = matched.slice(0, limit);
  const docs = projection ? matched.map((m) => projection.apply(m.doc, m.idx, vars)) : matched.map((m) => m.doc);
  return cursorReply(ctx, `${ctx.db}.${name}`, docs, batchSize, singleBatch);
}

function getMore(ctx: CommandContext): Doc | Promise<Doc> {
  const raw = ctx.body.getMore;
  if (bsonTypeOf(raw) !== 'Long' && !isNumeric(raw)) throw new CommandError(14, "BSON field 'getMore.getMore' is the wrong type, expected type 'long'");
  const id = bsonTypeOf(raw) === 'Long' ? (raw as Long).toBigInt() : BigInt(toNumber(raw));
  const collection = ctx.body.collection;
  if (typeof collection !== 'string') throw new CommandError(14, "BSON field 'getMore.collection' is missing but a required field");
  const cursor = ctx.server.cursors.get(id);
  if (!cursor) throw new CommandError(43, `cursor id ${id} not found`);
  if (cursor.ns !== `${ctx.db}.${collection}`) {
    throw new CommandError(13, `Requested getMore on namespace '${ctx.db}.${collection}', but cursor belongs to a different namespace ${cursor.ns}`);
  }
  if (cursor.sessionKey !== undefined && cursor.sessionKey !== ctx.session?.key) {
    throw new CommandError(50738, `Cannot run getMore on cursor ${id}, which was created in session ${cursor.sessionKey}, in session ${ctx.session?.key ?? '(none)'}`);
  }
  if (cursor.txnId !== undefined && cursor.txnId !== ctx.txn?.id) {
    throw new CommandError(50740, 'Cannot run getMore on cursor, which was created in a transaction, outside of that transaction');
  }
  const batchSize = optNumber(ctx.body, 'batchSize');
  checkBatchSize(batchSize);
  if (cursor.changeStream) return changeStreamGetMore(ctx, cursor, batchSize);
  const batch = takeBatch(cursor.docs, cursor.pos, batchSize && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER);
  cursor.pos += batch.length;
  cursor.lastUse = Date.now();
  let outId = cursor.id;
  if (cursor.pos >= cursor.docs.length) {
    ctx.server.cursors.kill(cursor.id);
    outId = 0n;
  }
  return { cursor: { nextBatch: batch, id: toLong(outId), ns: cursor.ns, ...(cursor.extra ?? {}) } };
}

function killCursors(ctx: CommandContext): Doc {
  collectionName(ctx);
  const list = ctx.body.cursors;
  if (!Array.isArray(list)) throw new CommandError(14, "BSON field 'killCursors.cursors' is missing but a required field");
  const killed: Long[] = [];
  const notFound: Long[] = [];
  for (const raw of list) {
    const id = bsonTypeOf(raw) === 'Long' ? (raw as Long).toBigInt() : BigInt(toNumber(raw));
    if (ctx.server.cursors.kill(id)) killed.push(toLong(id));
    else notFound.push(toLong(id));
  }
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [] };
}

function count(ctx: CommandContext): Doc {
  const name = collectionName(ctx);
  const q = ctx.body.query ?? {};
  if (!isPlainObject(q)) throw new CommandError(14, "BSON field 'count.query' is the wrong type, expected type 'object'");
  const coll = ctx.engine.collection(ctx.db, name);
  const collation = queryCollation(coll, ctx.body.collation);
  const pred = compileFilter(q, withCollation(undefined, collation?.compare), textFor(coll, q));
  checkHint(coll, ctx.body.hint);
  let n = wholeCount(ctx, coll, q, ctx.body.hint);
  if (n === undefined) {
    const src = plannedRows(ctx, name, q, { hint: ctx.body.hint, collation: collation?.key });
    n = src.plan && ctx.engine.countExact(src.plan, ctx.view);
    if (n === undefined) {
      n = 0;
      for (const { doc } of src.rows) if (pred(doc)) n++;
    }
  }
  const skip = optNumber(ctx.body, 'skip', 0)!;
  const limit = Math.abs(optNumber(ctx.body, 'limit', 0)!);
  if (skip < 0) throw new CommandError(2, 'skip value is negative in count query');
  n = Math.max(0, n - skip);
  if (limit) n = Math.min(n, limit);
  return { n };
}

function distinct(ctx: CommandContext): Doc {
  const name = collectionName(ctx);
  const key = ctx.body.key;
  if (typeof key !== 'string') throw new CommandError(14, "BSON field 'distinct.key' is missing but a required field");
  const q = ctx.body.query ?? {};
  if (!isPlainObject(q)) throw new CommandError(14, "BSON field 'distinct.query' is the wrong type, expected type 'object'");
  const coll = ctx.engine.collection(ctx.db, name);
  const collation = queryCollation(coll, ctx.body.collation);
  const pred = compileFilter(q, withCollation(undefined, collation?.compare), textFor(coll, q));
  const canon = collation?.canonicalizer();
  const parts = key.split('.');
  const seen = new Map<string, unknown>();
  for (const { doc } of plannedRows(ctx, name, q, { collation: collation?.key }).rows) {
    if (!pred(doc)) continue;
    for (const c of pathCandidates(doc, parts)) {
      if (c.expanded) continue;
      const vals = Array.isArray(c.v) ? c.v : [c.v];
      for (const v of vals) {
        if (v === undefined) continue;
        const k = canonicalKey(v, canon);
        if (!seen.has(k)) seen.set(k, v);
      }
    }
  }
  const values = [...seen.values()].sort((a, b) => compareValues(a, b, collation?.compare));
  const reply: Doc = { values };
  if (ctx.atClusterTime) reply.atClusterTime = ctx.atClusterTime;
  return reply;
}

/**
 * A count without a filter or hint on the latest state (estimatedDocumentCount, countDocuments({})):
 * the collection's own count, no document read. A hint walks its index (a sparse one holds fewer).
 */
function wholeCount(ctx: CommandContext, coll: Collection | undefined, filter: Doc, hint: unknown): number | undefined {
  if (!coll || coll.options.viewOn !== undefined || (hint !== undefined && hint !== null) || ctx.view.txn || ctx.view.ts !== undefined) return undefined;
  if (Object.values(filter).some((v) => v !== undefined)) return undefined;
  return coll.liveCount;
}

/**
 * `[{$match}, {$group: {_id: <constant>, n: {$sum: 1}}}]` — the pipeline of the driver's
 * countDocuments — answered from the index when its bounds express the whole filter.
 */
function countShape(ctx: CommandContext, name: string, match: Doc, pipeline: unknown[], opts: PlanOptions): Doc[] | undefined {
  if (pipeline.length !== 2 || !isPlainObject(pipeline[1])) return undefined;
  const group = pipeline[1].$group;
  if (!isPlainObject(group) || Object.keys(pipeline[1]).length !== 1 || Object.keys(group).length !== 2) return undefined;
  const id = group._id;
  if (isPlainObject(id) || Array.isArray(id) || (typeof id === 'string' && id.startsWith('$'))) return undefined;
  const field = Object.keys(group).find((k) => k !== '_id');
  const acc = field ? group[field] : undefined;
  if (!field || !isPlainObject(acc) || Object.keys(acc).length !== 1 || !isNumeric(acc.$sum) || toNumber(acc.$sum) !== 1) return undefined;
  const coll = ctx.engine.collection(ctx.db, name);
  if (!coll || coll.options.viewOn !== undefined) return undefined;
  if (usesText(match)) return undefined; // $text needs its index and scores documents: the pipeline runs it
  compileFilter(match); // invalid filters fail as they would in the pipeline
  const n = wholeCount(ctx, coll, match, opts.hint) ?? ctx.engine.countExact(ctx.engine.plan(coll, match, opts), ctx.view);
  if (n === undefined) return undefined;
  return n === 0 ? [] : [{ _id: id, [field]: n }];
}

/** Stages whose result a collation changes and that the emulator applies it to. */
const COLLATED_STAGES = new Set(['$match', '$sort', '$limit', '$skip', '$count', '$unset', '$group', '$sortByCount']);
const COLLATED_ACCUMULATORS = new Set(['$sum', '$avg', '$first', '$last', '$push', '$count', '$stdDevPop', '$stdDevSamp']);

/** With a non-simple collation only stages that honour it may run: the others would silently compare binary. */
function checkCollatedPipeline(pipeline: unknown[]): void {
  for (const st of pipeline) {
    if (!isPlainObject(st)) continue;
    const name = Object.keys(st)[0];
    let ok = COLLATED_STAGES.has(name);
    const g = st.$group;
    if (name === '$group' && isPlainObject(g)) {
      if (typeof g._id !== 'string' && g._id !== null && !isNumeric(g._id)) ok = false;
      for (const [k, acc] of Object.entries(g)) if (k !== '_id' && (!isPlainObject(acc) || !COLLATED_ACCUMULATORS.has(Object.keys(acc)[0]))) ok = false;
    }
    if (name === '$sortByCount' && typeof st.$sortByCount !== 'string') ok = false;
    if (!ok) throw new CommandError(2, `${name} with a non-simple collation is not supported by the emulator`);
  }
}

async function aggregate(ctx: CommandContext): Promise<Doc> {
  const body = ctx.body;
  const target = body.aggregate;
  const pipeline = body.pipeline;
  if (!Array.isArray(pipeline)) throw new CommandError(14, "BSON field 'aggregate.pipeline' is missing but a required field");
  if (body.explain !== undefined && body.explain !== false) return explainAggregate(ctx, body);
  const cursorOpt = body.cursor;
  if (!isPlainObject(cursorOpt)) {
    throw new CommandError(9, "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  const batchSize = optNumber(cursorOpt, 'batchSize');
  checkBatchSize(batchSize);
  const collation = queryCollation(typeof target === 'string' ? ctx.engine.collection(ctx.db, target) : undefined, body.collation);
  if (isChangeStream(pipeline)) {
    // change-stream stages after $changeStream match binary: a collation would silently not apply
    if (collation && pipeline.length > 1) throw new CommandError(2, '$changeStream with a non-simple collation is not supported by the emulator');
    return openChangeStream(ctx, pipeline, batchSize);
  }
  if (collation) checkCollatedPipeline(pipeline);
  if (typeof target === 'string') checkHint(ctx.engine.collection(ctx.db, target), body.hint);
  let input: Doc[] = [];
  let ns: string;
  if (typeof target === 'string') {
    ns = `${ctx.db}.${target}`;
    const first = pipeline[0];
    const match = isPlainObject(first) && isPlainObject(first.$match) ? first.$match : undefined;
    const counted = match ? countShape(ctx, target, match, pipeline, { hint: body.hint, collation: collation?.key }) : undefined;
    if (counted) return cursorReply(ctx, ns, counted, batchSize);
    input = match ? Array.from(plannedRows(ctx, target, match, { hint: body.hint, collation: collation?.key }).rows, (r) => r.doc) : sourceDocs(ctx, target);
  } else if (isNumeric(target) && toNumber(target) === 1) {
    ns = `${ctx.db}.$cmd.aggregate`;
    const first = isPlainObject(pipeline[0]) ? Object.keys(pipeline[0])[0] : undefined;
    if (first === '$documents') {
      const docs = (pipeline[0] as Doc).$documents;
      input = Array.isArray(docs) ? (docs as Doc[]) : [];
      pipeline.shift();
    } else {
      throw new CommandError(73, `${first ?? 'aggregate: 1'} is not supported by the emulator`);
    }
  } else {
    throw new CommandError(73, `Invalid aggregate namespace`);
  }
  let writeStage: [string, unknown] | undefined;
  pipeline.forEach((st, i) => {
    const stageName = isPlainObject(st) ? Object.keys(st)[0] : undefined;
    if (stageName === undefined || !WRITE_STAGES.has(stageName)) return;
    if (ctx.txn) throw new CommandError(263, `${stageName} cannot be used in a transaction`);
    if (i !== pipeline.length - 1) throw new CommandError(40601, `${stageName} can only be the final stage in the pipeline`);
    writeStage = [stageName, (st as Doc)[stageName]];
  });
  const stages = writeStage ? pipeline.slice(0, -1) : pipeline;
  const first = isPlainObject(pipeline[0]) ? (pipeline[0] as Doc).$match : undefined;
  const out = runPipeline(input, stages, {
    resolveCollection: (name) => sourceDocs(ctx, name),
    vars: withCollation(optDoc(body, 'let'), collation?.compare),
    collation,
    text: typeof target === 'string' ? textFor(ctx.engine.collection(ctx.db, target), first) : undefined,
  });
  if (writeStage) {
    if (writeStage[0] === '$out') await runOut(ctx, writeStage[1], out);
    else await runMerge(ctx, writeStage[1], out);
    return cursorReply(ctx, ns, [], batchSize);
  }
  return cursorReply(ctx, ns, out, batchSize);
}

export const readCommands: Record<string, CommandSpec> = {
  find: { run: find, inTxn: true, snapshotRead: true },
  getMore: { run: getMore, inTxn: true },
  killCursors: { run: killCursors, inTxn: true },
  count: { run: count },
  distinct: { run: distinct, inTxn: true, snapshotRead: true },
  aggregate: { run: aggregate, inTxn: true, snapshotRead: true },
  explain: { run: explain },
};

/**
 * A basic queryPlanner explain (verbosity queryPlanner; executionStats and allPlansExecution
 * are refused): the namespace, the parsed filter, and the plan the emulator's planner chose for
 * the read — IXSCAN on its index (hinted, or the one the filter bounds best), else COLLSCAN.
 */
function planFor(ctx: CommandContext, name: string, filter: Doc, opts: PlanOptions): Doc {
  const coll = ctx.engine.collection(ctx.db, name);
  const plan = coll && typeof coll.options.viewOn !== 'string' ? ctx.engine.plan(coll, filter, opts) : undefined;
  const ix = plan?.ix ?? (plan?.ids || plan?.byId ? coll!.indexes.get('_id_') : undefined);
  const scan: Doc = ix
    ? { stage: 'IXSCAN', keyPattern: ix.key, indexName: ix.name, isMultiKey: ix.multikey, direction: plan?.reverse ? 'backward' : 'forward' }
    : { stage: 'COLLSCAN', direction: plan?.naturalReverse ? 'backward' : 'forward' };
  const winningPlan: Doc = ix ? { stage: 'FETCH', ...(Object.keys(filter).length ? { filter } : {}), inputStage: scan } : { ...scan, ...(Object.keys(filter).length ? { filter } : {}) };
  return { namespace: `${ctx.db}.${name}`, indexFilterSet: false, parsedQuery: filter, rejectedPlans: [], winningPlan };
}

function explainReply(queryPlanner: Doc): Doc {
  return { explainVersion: '1', queryPlanner, command: undefined, serverInfo: { host: 'mongo-emulator', version: '7.0.14' } };
}

function checkVerbosity(v: unknown): 'queryPlanner' | 'executionStats' | 'allPlansExecution' {
  if (v === undefined || v === true) return 'allPlansExecution';
  if (v === 'queryPlanner' || v === 'executionStats' || v === 'allPlansExecution') return v;
  throw new CommandError(2, `verbosity string must be one of {'queryPlanner', 'executionStats', 'allPlansExecution'}`);
}

/**
 * executionStats measured on the emulator's own execution of the plan (its scan, not
 * mongod's): documents the plan examined, how many matched, and how long it took. Nothing
 * is written (explain of a write only evaluates its filter).
 */
function executionStats(ctx: CommandContext, name: string, filter: Doc, opts: PlanOptions, vars: Doc | undefined, plan: Doc, limit: number, all: boolean): Doc {
  const started = Date.now();
  const coll = ctx.engine.collection(ctx.db, name);
  const pred = compileFilter(filter, vars, textFor(coll, filter));
  const scanned = plannedRows(ctx, name, filter, opts).rows;
  let matched = 0;
  let examined = 0;
  for (const { doc: d } of scanned) {
    examined++;
    if (pred(d)) matched++;
    if (limit > 0 && matched >= limit) break;
  }
  const indexed = (plan.winningPlan as Doc).stage === 'FETCH';
  const stats: Doc = {
    executionSuccess: true,
    nReturned: matched,
    executionTimeMillis: Date.now() - started,
    totalKeysExamined: indexed ? examined : 0,
    totalDocsExamined: examined,
    executionStages: { ...(plan.winningPlan as Doc), nReturned: matched, docsExamined: examined },
  };
  if (all) stats.allPlansExecution = [];
  return stats;
}

function explain(ctx: CommandContext): Doc {
  const inner = ctx.body.explain;
  if (!isPlainObject(inner)) throw new CommandError(14, "BSON field 'explain.explain' is the wrong type, expected type 'object'");
  const verbosity = checkVerbosity(ctx.body.verbosity);
  const cmd = Object.keys(inner)[0];
  const name = inner[cmd];
  if (typeof name !== 'string') throw new CommandError(73, 'explain needs a collection name');
  let filter: unknown;
  let hint: unknown = inner.hint;
  switch (cmd) {
    case 'find':
      filter = inner.filter;
      break;
    case 'count':
    case 'distinct':
      filter = inner.query;
      break;
    case 'findAndModify':
    case 'findandmodify':
      filter = inner.query;
      break;
    case 'update':
    case 'delete': {
      const list = inner[cmd === 'update' ? 'updates' : 'deletes'];
      const st = Array.isArray(list) && isPlainObject(list[0]) ? list[0] : {};
      filter = st.q;
      hint = st.hint;
      break;
    }
    case 'aggregate':
      if (verbosity !== 'queryPlanner') throw new CommandError(2, `explain verbosity '${verbosity}' of an aggregate is not supported by the emulator (only queryPlanner)`);
      return explainAggregate(ctx, inner);
    default:
      throw new CommandError(2, `explain of '${cmd}' is not supported by the emulator`);
  }
  const f = isPlainObject(filter) ? filter : {};
  const coll = ctx.engine.collection(ctx.db, name);
  const collation = queryCollation(coll, inner.collation);
  const vars = withCollation(undefined, collation?.compare);
  compileFilter(f, vars, textFor(coll, f));
  checkHint(coll, hint);
  const opts: PlanOptions = { hint, collation: collation?.key };
  const planner = planFor(ctx, name, f, opts);
  const reply = explainReply(planner);
  reply.command = inner;
  if (verbosity !== 'queryPlanner') {
    const limit = cmd === 'find' && isNumeric(inner.limit) ? Math.abs(toNumber(inner.limit)) : cmd === 'findAndModify' || cmd === 'findandmodify' ? 1 : 0;
    reply.executionStats = executionStats(ctx, name, f, opts, vars, planner, limit, verbosity === 'allPlansExecution');
  }
  return reply;
}

/** Explain of a pipeline: a leading `$match` becomes the `$cursor` stage's query plan. */
function explainAggregate(ctx: CommandContext, body: Doc): Doc {
  const name = body.aggregate;
  if (typeof name !== 'string') throw new CommandError(2, 'explain of a collection-less aggregate is not supported by the emulator');
  const p = Array.isArray(body.pipeline) ? body.pipeline : [];
  const first = isPlainObject(p[0]) && isPlainObject(p[0].$match) ? p[0].$match : {};
  const collation = queryCollation(ctx.engine.collection(ctx.db, name), body.collation);
  const planner = planFor(ctx, name, first, { hint: body.hint, collation: collation?.key });
  if (p.length <= 1) return { ...explainReply(planner), command: body };
  return { explainVersion: '1', stages: [{ $cursor: { queryPlanner: planner } }, ...p.slice(isPlainObject(p[0]) && p[0].$match ? 1 : 0)], serverInfo: { host: 'mongo-emulator', version: '7.0.14' } };
}
