/**
 * insert, update, delete and findAndModify. Each statement's check-and-apply runs
 * synchronously (atomic); statements that meet a transaction's lock wait and re-evaluate.
 * Per-statement failures are reported in `writeErrors` (ordered batches stop at the first).
 */
import { ObjectId, Timestamp } from 'bson';
import { Doc, bsonTypeOf, isPlainObject, setField, toNumber } from '../bson/values';
import { CommandError } from '../errors';
import { compileFilter, MatchContext, Predicate, withCollation } from '../query/matcher';
import { compileProjection } from '../query/projection';
import { compileSort } from '../query/sort';
import { applyUpdate, isOperatorUpdate, upsertSeed } from '../query/update';
import { Clock } from '../storage/clock';
import { Collection } from '../storage/collection';
import { Row } from '../storage/engine';
import type { PlanOptions } from '../storage/planner';
import { CommandContext, CommandSpec, collectionName, onceStatement, optBool, optDoc, untilUnblocked } from './context';
import { checkCollation, checkHint, queryCollation } from './options';
import { checkStatementFields } from './known-fields';

/** Errors that fail the whole command rather than one statement. */
const COMMAND_LEVEL_CODES = new Set([50, 112, 225, 244, 251, 256, 262, 263, 11601]);

function isStatementError(e: unknown): e is CommandError {
  return e instanceof CommandError && !COMMAND_LEVEL_CODES.has(e.code);
}

const MAX_BATCH = 100_000;

function batch(ctx: CommandContext, field: string): Doc[] {
  const list = ctx.body[field];
  if (!Array.isArray(list)) throw new CommandError(14, `BSON field '${ctx.name}.${field}' is missing but a required field`);
  if (list.length === 0 || list.length > MAX_BATCH) {
    throw new CommandError(16, `Write batch sizes must be between 1 and ${MAX_BATCH}. Got ${list.length} operations.`);
  }
  return list as Doc[];
}

function checkId(id: unknown): void {
  if (Array.isArray(id)) throw new CommandError(53, `The '_id' value cannot be of type array`);
  if (id instanceof RegExp || bsonTypeOf(id) === 'BSONRegExp') throw new CommandError(53, `The '_id' value cannot be of type regex`);
  if (isPlainObject(id)) {
    for (const k of Object.keys(id)) {
      if (k.startsWith('$')) throw new CommandError(52, `_id fields may not contain '$'-prefixed fields: ${k} is not valid for storage.`);
    }
  }
}

/** `_id` first (generated when missing), like mongod stores inserted documents. */
export function prepareForInsert(doc: unknown): Doc {
  if (!isPlainObject(doc)) throw new CommandError(14, 'document to insert must be an object');
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  checkId(doc._id);
  const keys = Object.keys(doc);
  if (keys[0] === '_id') return doc;
  const out: Doc = { _id: doc._id };
  for (const k of keys) if (k !== '_id') setField(out, k, doc[k]);
  return out;
}

function nowFn(ctx: CommandContext): () => { date: Date; ts: Timestamp } {
  return () => ({ date: new Date(), ts: Clock.toTimestamp(ctx.engine.clock.now() + 1) });
}

function letVars(ctx: CommandContext, stmt?: Doc): Doc | undefined {
  const l = optDoc(ctx.body, 'let');
  const c = stmt && isPlainObject(stmt.c) ? stmt.c : undefined;
  if (!l && !c) return undefined;
  return { ...(l ?? {}), ...(c ?? {}) };
}

/** The view writes use: the command's view plus bypassDocumentValidation, and whether `u` replaces the document. */
function writeView(ctx: CommandContext, u?: unknown): CommandContext['view'] {
  const replace = u !== undefined && !Array.isArray(u) && !isOperatorUpdate(u);
  const bypass = optBool(ctx.body, 'bypassDocumentValidation');
  return bypass || replace ? { ...ctx.view, bypassValidation: bypass || undefined, replace: replace || undefined } : ctx.view;
}

/**
 * Runs a write command's statements in order. A statement's own error becomes its entry in
 * `writeErrors` (an ordered batch stops there, an unordered one goes on); a command-level
 * error fails the whole command. Any write error aborts the transaction the command runs in.
 */
async function runStatements(ctx: CommandContext, count: number, ordered: boolean, run: (i: number) => Promise<void>): Promise<Doc[]> {
  const writeErrors: Doc[] = [];
  for (let i = 0; i < count; i++) {
    try {
      await run(i);
    } catch (e) {
      if (!isStatementError(e)) throw e;
      writeErrors.push(e.toWriteError(i));
      if (ordered) break;
    }
  }
  if (writeErrors.length && ctx.txn?.isOpen) ctx.engine.abort(ctx.txn, 'a write error occurred in the transaction');
  return writeErrors;
}

function withWriteErrors(base: Doc, writeErrors: Doc[]): Doc {
  return writeErrors.length ? { ...base, writeErrors } : base;
}

// ------------------------------------------------------------------ insert

async function insert(ctx: CommandContext): Promise<Doc> {
  const name = collectionName(ctx);
  const docs = batch(ctx, 'documents');
  const ordered = optBool(ctx.body, 'ordered', true);
  const { coll } = await untilUnblocked(ctx, () => ctx.engine.ensureCollection(ctx.db, name, undefined, ctx.view));
  let n = 0;
  const writeErrors = await runStatements(ctx, docs.length, ordered, async (i) => {
    const doc = prepareForInsert(docs[i]);
    await onceStatement(ctx, i, () => untilUnblocked(ctx, () => ctx.engine.insert(coll, doc, writeView(ctx))));
    n++;
  });
  return withWriteErrors({ n }, writeErrors);
}

// ------------------------------------------------------------------ update

interface UpdateStmt {
  q: Doc;
  u: unknown;
  multi: boolean;
  upsert: boolean;
  arrayFilters?: Doc[];
  vars?: Doc;
  hint?: unknown;
  collation?: unknown;
}

function parseUpdateStmt(ctx: CommandContext, raw: Doc): UpdateStmt {
  if (!isPlainObject(raw)) throw new CommandError(14, 'update statement must be an object');
  const q = raw.q === undefined ? {} : raw.q;
  if (!isPlainObject(q)) throw new CommandError(14, "BSON field 'update.updates.q' is the wrong type, expected type 'object'");
  const u = raw.u;
  if (!isPlainObject(u) && !Array.isArray(u)) {
    throw new CommandError(14, "BSON field 'update.updates.u' is the wrong type, expected type 'object' or 'array'");
  }
  const multi = optBool(raw, 'multi');
  const upsert = optBool(raw, 'upsert');
  if (multi && isPlainObject(u) && !isOperatorUpdate(u) && Object.keys(u).length > 0) {
    throw new CommandError(9, 'multi update is not supported for replacement-style update');
  }
  if (raw.arrayFilters !== undefined && !Array.isArray(raw.arrayFilters)) {
    throw new CommandError(14, "BSON field 'update.updates.arrayFilters' is the wrong type, expected type 'array'");
  }
  if (raw.arrayFilters !== undefined && Array.isArray(u)) {
    throw new CommandError(72, 'arrayFilters may not be specified for pipeline-style updates');
  }
  checkCollation(raw.collation);
  checkHint(ctx.engine.collection(ctx.db, collectionName(ctx)), raw.hint);
  return { q, u, multi, upsert, arrayFilters: raw.arrayFilters as Doc[] | undefined, vars: letVars(ctx, raw), hint: raw.hint, collation: raw.collation };
}

/** Builds the document an upsert inserts. */
function upsertDocument(ctx: CommandContext, q: Doc, u: unknown, arrayFilters: Doc[] | undefined, vars?: Doc): Doc {
  let doc: Doc;
  if (Array.isArray(u) || isOperatorUpdate(u)) {
    const seed = upsertSeed(q);
    doc = applyUpdate(seed, u, { isInsert: true, arrayFilters, now: nowFn(ctx), vars }).doc;
  } else {
    const repl = u as Doc;
    doc = { ...repl };
    if (doc._id === undefined) {
      const seed = upsertSeed(q);
      if (seed._id !== undefined) doc = { _id: seed._id, ...repl };
    }
  }
  return prepareForInsert(doc);
}

interface StmtResult {
  n: number;
  nModified: number;
  upserted?: unknown;
}

/** The visible rows a write statement considers, in plan order (`sorted`: already in `sort` order). */
function scanFor(ctx: CommandContext, coll: Collection | undefined, q: Doc, opts: PlanOptions = {}): { rows: Iterable<Row>; sorted: boolean } {
  if (!coll) return { rows: [], sorted: true };
  const plan = ctx.engine.plan(coll, q, opts);
  return { rows: ctx.engine.rows(coll, ctx.view, plan), sorted: plan.sorted };
}

function firstMatch(scan: { rows: Iterable<Row>; sorted: boolean }, pred: Predicate, sort?: ReturnType<typeof compileSort>): { row: Row; m: MatchContext } | undefined {
  const rows = scan.rows;
  if (sort && !scan.sorted) {
    const matching = [...rows].filter((r) => pred(r.doc));
    matching.sort((a, b) => sort(a.doc, b.doc));
    const row = matching[0];
    if (!row) return undefined;
    const m: MatchContext = {};
    pred(row.doc, m);
    return { row, m };
  }
  for (const row of rows) {
    const m: MatchContext = {};
    if (pred(row.doc, m)) return { row, m };
  }
  return undefined;
}

async function runUpdateStatement(ctx: CommandContext, name: string, s: UpdateStmt): Promise<StmtResult> {
  const collation = queryCollation(ctx.engine.collection(ctx.db, name), s.collation);
  const pred = compileFilter(s.q, withCollation(s.vars, collation?.compare));
  const planOpts: PlanOptions = { hint: s.hint, collation: collation?.key };
  const q = s.q;
  const opts = { arrayFilters: s.arrayFilters, now: nowFn(ctx), vars: s.vars };
  const upsertNow = (): StmtResult => {
    const doc = upsertDocument(ctx, s.q, s.u, s.arrayFilters, s.vars);
    const { coll } = ctx.engine.ensureCollection(ctx.db, name, undefined, ctx.view);
    ctx.engine.insert(coll, doc, writeView(ctx));
    return { n: 1, nModified: 0, upserted: doc._id };
  };
  if (!s.multi) {
    return untilUnblocked(ctx, () => {
      const coll = ctx.engine.collection(ctx.db, name);
      const hit = firstMatch(scanFor(ctx, coll, q, planOpts), pred);
      if (hit) {
        const r = applyUpdate(hit.row.doc, s.u, { ...opts, arrayIndex: hit.m.arrayIndex });
        if (r.changed) ctx.engine.update(coll!, hit.row.rec, hit.row.doc, r.doc, writeView(ctx, s.u));
        return { n: 1, nModified: r.changed ? 1 : 0 };
      }
      if (s.upsert) return upsertNow();
      return { n: 0, nModified: 0 };
    });
  }
  const coll = ctx.engine.collection(ctx.db, name);
  const candidates = [...scanFor(ctx, coll, q, planOpts).rows].filter((r) => pred(r.doc));
  if (candidates.length === 0) {
    if (s.upsert) return untilUnblocked(ctx, upsertNow);
    return { n: 0, nModified: 0 };
  }
  let n = 0;
  let nModified = 0;
  for (const { rec } of candidates) {
    const r = await untilUnblocked(ctx, () => {
      const doc = ctx.engine.read(coll!, rec, ctx.view);
      if (!doc) return 0;
      const m: MatchContext = {};
      if (!pred(doc, m)) return 0;
      const upd = applyUpdate(doc, s.u, { ...opts, arrayIndex: m.arrayIndex });
      if (upd.changed) ctx.engine.update(coll!, rec, doc, upd.doc, writeView(ctx, s.u));
      return upd.changed ? 2 : 1;
    });
    if (r > 0) n++;
    if (r === 2) nModified++;
  }
  return { n, nModified };
}

async function update(ctx: CommandContext): Promise<Doc> {
  const name = collectionName(ctx);
  const stmts = batch(ctx, 'updates');
  // the whole command is parsed before anything executes (mongod's IDL): unknown fields fail it
  for (const st of stmts) if (isPlainObject(st)) checkStatementFields('update', 'updates', st);
  const ordered = optBool(ctx.body, 'ordered', true);
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const writeErrors = await runStatements(ctx, stmts.length, ordered, async (i) => {
    const s = parseUpdateStmt(ctx, stmts[i]);
    const r = await onceStatement(ctx, i, () => runUpdateStatement(ctx, name, s));
    n += r.n;
    nModified += r.nModified;
    if (r.upserted !== undefined) upserted.push({ index: i, _id: r.upserted });
  });
  const reply: Doc = { n, nModified };
  if (upserted.length) reply.upserted = upserted;
  return withWriteErrors(reply, writeErrors);
}

// ------------------------------------------------------------------ delete

async function runDeleteStatement(ctx: CommandContext, name: string, raw: Doc): Promise<number> {
  if (!isPlainObject(raw)) throw new CommandError(14, 'delete statement must be an object');
  const q = raw.q === undefined ? {} : raw.q;
  if (!isPlainObject(q)) throw new CommandError(14, "BSON field 'delete.deletes.q' is the wrong type, expected type 'object'");
  const limit = raw.limit === undefined ? 0 : toNumber(raw.limit);
  if (limit !== 0 && limit !== 1) throw new CommandError(9, `The limit field in delete objects must be 0 or 1. Got ${limit}`);
  checkCollation(raw.collation);
  checkHint(ctx.engine.collection(ctx.db, name), raw.hint);
  const collation = queryCollation(ctx.engine.collection(ctx.db, name), raw.collation);
  const pred = compileFilter(q, withCollation(letVars(ctx, raw), collation?.compare));
  const planOpts: PlanOptions = { hint: raw.hint, collation: collation?.key };
  if (limit === 1) {
    return untilUnblocked(ctx, () => {
      const coll = ctx.engine.collection(ctx.db, name);
      const hit = firstMatch(scanFor(ctx, coll, q, planOpts), pred);
      if (!hit) return 0;
      ctx.engine.remove(coll!, hit.row.rec, hit.row.doc, ctx.view);
      return 1;
    });
  }
  const coll = ctx.engine.collection(ctx.db, name);
  const candidates = [...scanFor(ctx, coll, q, planOpts).rows].filter((r) => pred(r.doc));
  let n = 0;
  for (const { rec } of candidates) {
    n += await untilUnblocked(ctx, () => {
      const doc = ctx.engine.read(coll!, rec, ctx.view);
      if (!doc || !pred(doc)) return 0;
      ctx.engine.remove(coll!, rec, doc, ctx.view);
      return 1;
    });
  }
  return n;
}

async function del(ctx: CommandContext): Promise<Doc> {
  const name = collectionName(ctx);
  const stmts = batch(ctx, 'deletes');
  for (const st of stmts) if (isPlainObject(st)) checkStatementFields('delete', 'deletes', st);
  const ordered = optBool(ctx.body, 'ordered', true);
  let n = 0;
  const writeErrors = await runStatements(ctx, stmts.length, ordered, async (i) => {
    n += await onceStatement(ctx, i, () => runDeleteStatement(ctx, name, stmts[i]));
  });
  return withWriteErrors({ n }, writeErrors);
}

// ------------------------------------------------------------------ findAndModify

async function findAndModify(ctx: CommandContext): Promise<Doc> {
  const name = collectionName(ctx);
  const body = ctx.body;
  const q = body.query === undefined || body.query === null ? {} : body.query;
  if (!isPlainObject(q)) throw new CommandError(14, "BSON field 'findAndModify.query' is the wrong type, expected type 'object'");
  const remove = optBool(body, 'remove');
  const returnNew = optBool(body, 'new');
  const upsert = optBool(body, 'upsert');
  const u = body.update;
  if (remove && u !== undefined) throw new CommandError(9, 'Cannot specify both an update and remove=true');
  if (!remove && u === undefined) throw new CommandError(9, 'Either an update or remove=true must be specified');
  if (remove && upsert) throw new CommandError(9, 'Cannot specify both upsert=true and remove=true ');
  if (remove && returnNew) {
    throw new CommandError(9, "Cannot specify both new=true and remove=true; 'remove' always returns the deleted document");
  }
  if (u !== undefined && !isPlainObject(u) && !Array.isArray(u)) {
    throw new CommandError(14, "BSON field 'findAndModify.update' is the wrong type, expected type 'object' or 'array'");
  }
  const arrayFilters = body.arrayFilters as Doc[] | undefined;
  checkCollation(body.collation);
  checkHint(ctx.engine.collection(ctx.db, name), body.hint);
  const vars = letVars(ctx);
  const collation = queryCollation(ctx.engine.collection(ctx.db, name), body.collation);
  const pred = compileFilter(q, withCollation(vars, collation?.compare));
  const sort = compileSort(body.sort, collation?.compare);
  const fields = optDoc(body, 'fields');
  const projection = fields && Object.keys(fields).length ? compileProjection(fields) : undefined;
  const project = (doc: Doc | null, arrayIndex?: number) => (doc && projection ? projection.apply(doc, arrayIndex, vars) : doc);
  return onceStatement(ctx, 0, () => untilUnblocked(ctx, (): Doc => {
    const coll = ctx.engine.collection(ctx.db, name);
    const hit = firstMatch(scanFor(ctx, coll, q, { sort: body.sort, hint: body.hint, collation: collation?.key }), pred, sort);
    if (hit) {
      const { row, m } = hit;
      if (remove) {
        ctx.engine.remove(coll!, row.rec, row.doc, ctx.view);
        return { lastErrorObject: { n: 1 }, value: project(row.doc, m.arrayIndex) };
      }
      const r = applyUpdate(row.doc, u, { arrayIndex: m.arrayIndex, arrayFilters, now: nowFn(ctx), vars });
      if (r.changed) ctx.engine.update(coll!, row.rec, row.doc, r.doc, writeView(ctx, u));
      return {
        lastErrorObject: { n: 1, updatedExisting: true },
        value: project(returnNew ? r.doc : row.doc, m.arrayIndex),
      };
    }
    if (upsert) {
      const doc = upsertDocument(ctx, q, u, arrayFilters, vars);
      const { coll: c } = ctx.engine.ensureCollection(ctx.db, name, undefined, ctx.view);
      ctx.engine.insert(c, doc, writeView(ctx));
      return {
        lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
        value: returnNew ? project(doc) : null,
      };
    }
    return { lastErrorObject: remove ? { n: 0 } : { n: 0, updatedExisting: false }, value: null };
  }));
}

export const writeCommands: Record<string, CommandSpec> = {
  insert: { run: insert, inTxn: true, retryableWrite: true, write: true },
  update: { run: update, inTxn: true, retryableWrite: true, write: true },
  delete: { run: del, inTxn: true, retryableWrite: true, write: true },
  findAndModify: { run: findAndModify, inTxn: true, retryableWrite: true, write: true },
};

export type { Collection };
