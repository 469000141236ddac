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
import { compileFilter, MatchContext } from '../query/matcher';
import { compileProjection } from '../query/projection';
import { compileSort } from '../query/sort';
import { pathCandidates } from '../query/paths';
import { TEXT_SCORES_VAR, textContextFor } from '../query/text';
import type { Collection } from '../storage/collection';
import { CommandContext, CommandSpec, collectionName, optBool, optDoc, optNumber } from './context';
import { WRITE_STAGES, runMerge, runOut } from './aggregate-out';
import { applyHintOrder, checkCollation, checkHint, hintedPlan } from './options';

const DEFAULT_BATCH = 101;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

/** Takes up to `count` documents, stopping before the batch would exceed 16 MiB. */
function takeBatch(docs: Doc[], from: number, count: number): Doc[] {
  const out: Doc[] = [];
  let bytes = 0;
  for (let i = from; i < docs.length && out.length < count; i++) {
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

function checkBatchSize(v: number | undefined, field = 'batchSize'): void {
  if (v !== undefined && v < 0) throw new CommandError(51024, `BSON field '${field}' value must be >= 0, actual value '${v}'`);
}

async function find(ctx: CommandContext): Promise<Doc> {
  const name = collectionName(ctx);
  const body = ctx.body;
  const filter = body.filter ?? {};
  if (!isPlainObject(filter)) throw new CommandError(14, "BSON field 'FindCommandRequest.filter' is the wrong type, expected type 'object'");
  const coll = ctx.engine.collection(ctx.db, name);
  const text = textContextFor(indexSpecs(coll), filter);
  const vars = text ? { ...(optDoc(body, 'let') ?? {}), [TEXT_SCORES_VAR]: text.scores } : optDoc(body, 'let');
  const pred = compileFilter(filter, vars, text);
  // {$natural: ±1} is insertion order (or its reverse), not a field
  const natural = isPlainObject(body.sort) && Object.keys(body.sort).length === 1 && '$natural' in body.sort ? toNumber(body.sort.$natural) : undefined;
  const sort = natural === undefined ? compileSort(body.sort, text?.scores) : undefined;
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
  checkCollation(body.collation);
  checkHint(ctx.engine.collection(ctx.db, name), body.hint);
  let matched: { doc: Doc; idx?: number }[] = [];
  for (const doc of sourceDocs(ctx, name, natural === undefined ? filter : undefined)) {
    const m: MatchContext = {};
    if (pred(doc, m)) matched.push({ doc, idx: m.arrayIndex });
  }
  matched = applyHintOrder(matched, (m) => m.doc, hintedPlan(ctx.engine.collection(ctx.db, name), body.hint));
  if (sort) matched.sort((a, b) => sort(a.doc, b.doc));
  if (natural === -1) matched.reverse();
  if (skip) matched = matched.slice(skip);
  if (limit) matched = matched.slice(0, limit);
  const docs = projection ? matched.map((m) => projection.apply(m.doc, m.idx, vars)) : matched.map((m) => m.doc);
  return cursorReply(ctx, `${ctx.db}.${name}`, docs, batchSize, singleBatch);
}

function getMore(ctx: CommandContext): Doc {
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
  const pred = compileFilter(q, undefined, textContextFor(indexSpecs(ctx.engine.collection(ctx.db, name)), q));
  checkCollation(ctx.body.collation);
  checkHint(ctx.engine.collection(ctx.db, name), ctx.body.hint);
  let n = 0;
  const docs = applyHintOrder(sourceDocs(ctx, name, q), (d) => d, hintedPlan(ctx.engine.collection(ctx.db, name), ctx.body.hint));
  for (const doc of docs) if (pred(doc)) n++;
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
  const pred = compileFilter(q, undefined, textContextFor(indexSpecs(ctx.engine.collection(ctx.db, name)), q));
  checkCollation(ctx.body.collation);
  const parts = key.split('.');
  const seen = new Map<string, unknown>();
  for (const doc of sourceDocs(ctx, name, q)) {
    if (!pred(doc)) continue;
    for (const c of pathCandidates(doc, parts)) {
      if (c.expanded) continue;
      const vals = Array.isArray(c.v) ? c.v : [c.v];
      for (const v of vals) {
        if (v === undefined) continue;
        const k = canonicalKey(v);
        if (!seen.has(k)) seen.set(k, v);
      }
    }
  }
  const values = [...seen.values()].sort(compareValues);
  const reply: Doc = { values };
  if (ctx.atClusterTime) reply.atClusterTime = ctx.atClusterTime;
  return reply;
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
  checkCollation(body.collation);
  if (typeof target === 'string') checkHint(ctx.engine.collection(ctx.db, target), body.hint);
  let input: Doc[] = [];
  let ns: string;
  if (typeof target === 'string') {
    ns = `${ctx.db}.${target}`;
    const first = pipeline[0];
    input = sourceDocs(ctx, target, isPlainObject(first) && isPlainObject(first.$match) ? first.$match : undefined);
    input = applyHintOrder(input, (d) => d, hintedPlan(ctx.engine.collection(ctx.db, target), body.hint));
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
    vars: optDoc(body, 'let'),
    text: typeof target === 'string' ? textContextFor(indexSpecs(ctx.engine.collection(ctx.db, target)), first) : undefined,
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
 * are refused): the namespace, the parsed filter, and the winning plan — IXSCAN on the hinted
 * index or an index whose first field the filter pins by equality, else COLLSCAN.
 */
function planFor(ctx: CommandContext, name: string, filter: Doc, hint: unknown): Doc {
  const coll = ctx.engine.collection(ctx.db, name);
  const plan = hintedPlan(coll, hint);
  let ix = plan?.index;
  if (!plan && coll) {
    for (const candidate of coll.indexes.values()) {
      const first = candidate.fields[0].path;
      const v = filter[first];
      if (v !== undefined && (!isPlainObject(v) || '$eq' in v || '$in' in v) && candidate.spec.partialFilterExpression === undefined && !candidate.sparse) {
        ix = candidate;
        break;
      }
    }
  }
  const scan: Doc = ix
    ? { stage: 'IXSCAN', keyPattern: ix.key, indexName: ix.name, isMultiKey: false, direction: 'forward' }
    : { stage: 'COLLSCAN', direction: plan?.natural === -1 ? 'backward' : 'forward' };
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
function executionStats(ctx: CommandContext, name: string, filter: Doc, hint: unknown, plan: Doc, limit: number, all: boolean): Doc {
  const started = Date.now();
  const coll = ctx.engine.collection(ctx.db, name);
  const pred = compileFilter(filter, undefined, textContextFor(indexSpecs(coll), filter));
  const scanned = applyHintOrder(sourceDocs(ctx, name, filter), (d) => d, hintedPlan(coll, hint));
  let matched = 0;
  let examined = 0;
  for (const d of scanned) {
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
  compileFilter(f, undefined, textContextFor(indexSpecs(ctx.engine.collection(ctx.db, name)), f));
  checkHint(ctx.engine.collection(ctx.db, name), hint);
  const planner = planFor(ctx, name, f, hint);
  const reply = explainReply(planner);
  reply.command = inner;
  if (verbosity !== 'queryPlanner') {
    const limit = cmd === 'find' && isNumeric(inner.limit) ? Math.abs(toNumber(inner.limit)) : cmd === 'findAndModify' || cmd === 'findandmodify' ? 1 : 0;
    reply.executionStats = executionStats(ctx, name, f, hint, planner, limit, verbosity === 'allPlansExecution');
  }
  return reply;
}

/** Explain of a pipeline: a leading `$match` becomes the `$cursor` stage's query plan. */
function explainAggregate(ctx: CommandContext, body: Doc): Doc {
  const name = body.aggregate;
  if (typeof name !== 'string') throw new CommandError(2, 'explain of a collection-less aggregate is not supported by the emulator');
  const p = Array.isArray(body.pipeline) ? body.pipeline : [];
  const first = isPlainObject(p[0]) && isPlainObject(p[0].$match) ? p[0].$match : {};
  const planner = planFor(ctx, name, first, body.hint);
  if (p.length <= 1) return { ...explainReply(planner), command: body };
  return { explainVersion: '1', stages: [{ $cursor: { queryPlanner: planner } }, ...p.slice(isPlainObject(p[0]) && p[0].$match ? 1 : 0)], serverInfo: { host: 'mongo-emulator', version: '7.0.14' } };
}
