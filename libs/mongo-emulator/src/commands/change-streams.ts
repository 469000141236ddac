/**
 * Change streams: `aggregate` with a leading `$changeStream` stage on a collection, a database
 * (`aggregate: 1`) or the whole deployment (`admin`, `allChangesForCluster`), then getMore with
 * awaitData. Events come from the engine's commit log, so only committed writes appear, a
 * transaction's writes appear at its commit in statement order, and every stream sees the
 * same order.
 *
 * Resume tokens are `{_data: hex}` encoding (commit time, event index within the commit,
 * invalidate flag); `postBatchResumeToken` is the position scanned up to, so a resumed stream
 * continues exactly where the last batch ended.
 */
import { BSON, Timestamp } from 'bson';
import { Doc, bsonTypeOf, isNumeric, isPlainObject, toNumber } from '../bson/values';
import { CommandError } from '../errors';
import { Cursor, toLong } from '../cursors';
import { runPipeline } from '../query/aggregate';
import { Clock } from '../storage/clock';
import { CommitEntry } from '../storage/commit-log';
import { CommandContext, optNumber } from './context';

const MAX_IDX = 0xffffffff;
const DEFAULT_AWAIT_MS = 1000;
const DEFAULT_BATCH = 101;

/** Stages mongod accepts after $changeStream. */
const ALLOWED_STAGES = new Set(['$match', '$project', '$addFields', '$set', '$unset', '$replaceRoot', '$replaceWith', '$redact', '$changeStreamSplitLargeEvent']);
/** Stage names mongod knows; others are "Unrecognized pipeline stage name" (40324). */
const KNOWN_STAGES = new Set([
  ...ALLOWED_STAGES, '$group', '$sort', '$limit', '$skip', '$unwind', '$lookup', '$graphLookup', '$facet', '$bucket', '$bucketAuto', '$count',
  '$sortByCount', '$sample', '$out', '$merge', '$unionWith', '$geoNear', '$setWindowFields', '$densify', '$fill', '$documents', '$collStats',
  '$indexStats', '$currentOp', '$listSessions', '$planCacheStats', '$search', '$searchMeta', '$changeStream',
]);
const SPEC_FIELDS = new Set(['fullDocument', 'fullDocumentBeforeChange', 'resumeAfter', 'startAfter', 'startAtOperationTime', 'allChangesForCluster', 'showExpandedEvents']);

interface Position {
  ts: number;
  idx: number;
}

export interface ChangeStreamState {
  /** Database watched (undefined: every database). */
  db?: string;
  /** Collection watched (undefined: every collection of `db`). */
  coll?: string;
  pos: Position;
  pipeline: Doc[];
  fullDocument: string;
  fullDocumentBeforeChange: string;
  showExpandedEvents: boolean;
  invalidated: boolean;
}

// ------------------------------------------------------------------ tokens

function encodeToken(p: Position, invalidate = false): Doc {
  const ts = p.ts.toString(16).padStart(16, '0');
  const idx = (p.idx < 0 ? 0 : p.idx === MAX_IDX ? MAX_IDX : p.idx + 1).toString(16).padStart(8, '0');
  return { _data: `82${ts}${idx}${invalidate ? '01' : '00'}` };
}

function decodeToken(token: unknown): { pos: Position; invalidate: boolean } {
  const data = isPlainObject(token) ? token._data : undefined;
  if (typeof data !== 'string' || !/^82[0-9a-f]{16}[0-9a-f]{8}0[01]$/.test(data)) {
    throw new CommandError(260, 'KeyString format error: the resume token was not produced by this server');
  }
  const ts = parseInt(data.slice(2, 18), 16);
  const raw = parseInt(data.slice(18, 26), 16);
  return { pos: { ts, idx: raw === 0 ? -1 : raw === MAX_IDX ? MAX_IDX : raw - 1 }, invalidate: data.endsWith('01') };
}

const after = (a: Position, b: Position) => a.ts > b.ts || (a.ts === b.ts && a.idx > b.idx);

// ------------------------------------------------------------------ opening

/** Whether an aggregate pipeline is a change stream. */
export function isChangeStream(pipeline: unknown[]): boolean {
  return isPlainObject(pipeline[0]) && '$changeStream' in pipeline[0];
}

export async function openChangeStream(ctx: CommandContext, pipeline: unknown[], batchSize: number | undefined): Promise<Doc> {
  if (ctx.txn) throw new CommandError(263, 'Operation not permitted in transaction :: caused by :: $changeStream cannot run in a multi-document transaction');
  const spec = (pipeline[0] as Doc).$changeStream;
  if (!isPlainObject(spec)) throw new CommandError(50808, '$changeStream stage expects a document as argument');
  for (const k of Object.keys(spec)) if (!SPEC_FIELDS.has(k)) throw new CommandError(40415, `BSON field '$changeStream.${k}' is an unknown field.`);
  const rest = pipeline.slice(1);
  for (const st of rest) {
    if (!isPlainObject(st) || Object.keys(st).length !== 1) throw new CommandError(40323, 'A pipeline stage specification object must contain exactly one field.');
    const name = Object.keys(st)[0];
    if (name === '$changeStream') throw new CommandError(40602, '$changeStream is only valid as the first stage in a pipeline');
    if (!KNOWN_STAGES.has(name)) throw new CommandError(40324, `Unrecognized pipeline stage name: '${name}'`);
    if (!ALLOWED_STAGES.has(name)) throw new CommandError(31, `${name} is not permitted in a $changeStream pipeline`);
  }
  const target = ctx.body.aggregate;
  const all = spec.allChangesForCluster === true;
  let db: string | undefined = ctx.db;
  let coll: string | undefined;
  if (typeof target === 'string') {
    if (all) throw new CommandError(73, "A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database, and with no collection name");
    coll = target;
  } else if (isNumeric(target) && toNumber(target) === 1) {
    if (ctx.db === 'admin') {
      if (!all) throw new CommandError(73, "$changeStream may not be opened on the internal admin database");
      db = undefined;
    } else if (all) {
      throw new CommandError(73, "A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database, and with no collection name");
    }
  } else throw new CommandError(73, 'Invalid aggregate namespace');
  if (ctx.db === 'admin' && coll !== undefined) throw new CommandError(73, '$changeStream may not be opened on the internal admin database');

  const fullDocument = spec.fullDocument ?? 'default';
  if (!['default', 'updateLookup', 'whenAvailable', 'required'].includes(fullDocument as string)) {
    throw new CommandError(2, `'${String(fullDocument)}' is not a valid value for $changeStream.fullDocument`);
  }
  const fullDocumentBeforeChange = spec.fullDocumentBeforeChange ?? 'off';
  if (!['off', 'whenAvailable', 'required'].includes(fullDocumentBeforeChange as string)) {
    throw new CommandError(2, `'${String(fullDocumentBeforeChange)}' is not a valid value for $changeStream.fullDocumentBeforeChange`);
  }
  const starts = ['resumeAfter', 'startAfter', 'startAtOperationTime'].filter((k) => spec[k] !== undefined);
  if (starts.length > 1) throw new CommandError(40674, `Only one type of resume option is allowed, but multiple were found: ${starts.join(', ')}`);
  const log = ctx.engine.log;
  log.retain();
  let pos: Position = { ts: ctx.engine.clock.now(), idx: MAX_IDX };
  if (spec.resumeAfter !== undefined || spec.startAfter !== undefined) {
    const { pos: p, invalidate } = decodeToken(spec.resumeAfter ?? spec.startAfter);
    if (invalidate && spec.resumeAfter !== undefined) {
      throw new CommandError(260, 'Attempting to resume a change stream using \'resumeAfter\' is not allowed from an invalidate notification.');
    }
    pos = invalidate ? { ts: p.ts, idx: MAX_IDX } : p;
  } else if (spec.startAtOperationTime !== undefined) {
    if (bsonTypeOf(spec.startAtOperationTime) !== 'Timestamp') throw new CommandError(14, "BSON field '$changeStream.startAtOperationTime' is the wrong type, expected type 'timestamp'");
    pos = { ts: Clock.fromTimestamp(spec.startAtOperationTime as Timestamp), idx: -1 };
  }
  checkHistory(ctx, pos);
  const state: ChangeStreamState = {
    db,
    coll,
    pos,
    pipeline: rest as Doc[],
    fullDocument: fullDocument as string,
    fullDocumentBeforeChange: fullDocumentBeforeChange as string,
    showExpandedEvents: spec.showExpandedEvents === true,
    invalidated: false,
  };
  const ns = coll !== undefined ? `${ctx.db}.${coll}` : `${ctx.db}.$cmd.aggregate`;
  const { batch, pbrt } = collect(ctx, state, batchSize === undefined ? DEFAULT_BATCH : batchSize);
  let id = 0n;
  if (!state.invalidated) {
    id = ctx.server.cursors.open(ns, [], 0, ctx.session?.key);
    ctx.server.cursors.get(id)!.changeStream = state;
  }
  // events are majority-committed: with a dbpath, on disk before a client sees them
  await ctx.server.durability?.durable();
  return { cursor: { firstBatch: batch, postBatchResumeToken: pbrt, id: toLong(id), ns } };
}

function checkHistory(ctx: CommandContext, pos: Position): void {
  const floor = ctx.engine.log.floorTs;
  if (pos.ts < floor || (pos.ts === floor && pos.idx < MAX_IDX)) {
    throw new CommandError(286, 'Resume of change stream was not possible, as the resume point may no longer be in the oplog.');
  }
}

// ------------------------------------------------------------------ getMore

export async function changeStreamGetMore(ctx: CommandContext, cursor: Cursor, batchSize: number | undefined): Promise<Doc> {
  const state = cursor.changeStream!;
  const limit = batchSize && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER;
  let { batch, pbrt } = collect(ctx, state, limit);
  if (batch.length === 0 && !state.invalidated) {
    const maxTime = optNumber(ctx.body, 'maxTimeMS') || DEFAULT_AWAIT_MS;
    await nextCommit(ctx, maxTime);
    ({ batch, pbrt } = collect(ctx, state, limit));
  }
  cursor.lastUse = Date.now();
  let id = cursor.id;
  if (state.invalidated) {
    ctx.server.cursors.kill(cursor.id);
    id = 0n;
  }
  await ctx.server.durability?.durable();
  return { cursor: { nextBatch: batch, postBatchResumeToken: pbrt, id: toLong(id), ns: cursor.ns } };
}

/** Resolves at the next commit, or after `ms`, or when the client's connection closes. */
function nextCommit(ctx: CommandContext, ms: number): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined = undefined;
    const done = () => {
      unsubscribe();
      clearTimeout(timer);
      ctx.conn.socket.off('close', done);
      resolve();
    };
    const unsubscribe = ctx.engine.log.subscribe(done);
    timer = setTimeout(done, ms);
    timer.unref();
    ctx.conn.socket.once('close', done);
  });
}

// ------------------------------------------------------------------ events

/** Events after the stream's position, up to `limit`; advances the position past what it scanned. */
function collect(ctx: CommandContext, state: ChangeStreamState, limit: number): { batch: Doc[]; pbrt: Doc } {
  const batch: Doc[] = [];
  // a stream that fell behind the kept history fails rather than silently skipping events
  checkHistory(ctx, state.pos);
  if (limit === 0) return { batch, pbrt: encodeToken(state.pos) };
  const entries = ctx.engine.log.since(state.pos.ts - 1);
  outer: for (const entry of entries) {
    const events = entryEvents(ctx, entry, state);
    for (const ev of events) {
      if (!after(ev.pos, state.pos)) continue;
      if (batch.length >= limit) break outer;
      state.pos = ev.pos;
      const out = runPipeline([ev.doc], state.pipeline, {});
      for (const d of out) {
        if (!sameValue(d._id, ev.doc._id)) {
          throw new CommandError(
            280,
            "Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. Modifying the _id field of an event makes it impossible to resume the stream from that point. Only transformations that retain the unmodified _id field are allowed.",
            {},
            ['NonResumableChangeStreamError'],
          );
        }
        batch.push(d);
      }
      if (ev.invalidate) {
        state.invalidated = true;
        break outer;
      }
    }
    state.pos = { ts: entry.ts, idx: MAX_IDX };
  }
  if (!state.invalidated && batch.length < limit) {
    const now = ctx.engine.clock.now();
    if (now > state.pos.ts) state.pos = { ts: now, idx: MAX_IDX };
  }
  const last = batch[batch.length - 1];
  return { batch, pbrt: state.invalidated && last ? (last._id as Doc) : encodeToken(state.pos) };
}

interface Event {
  pos: Position;
  doc: Doc;
  invalidate?: boolean;
}

function nsOf(full: string): { db: string; coll: string } {
  const dot = full.indexOf('.');
  return { db: full.slice(0, dot), coll: full.slice(dot + 1) };
}

function inScope(state: ChangeStreamState, db: string, coll?: string): boolean {
  if (state.db !== undefined && state.db !== db) return false;
  if (state.coll !== undefined && coll !== undefined && state.coll !== coll) return false;
  return !(db === 'admin' || db === 'config' || db === 'local');
}

/** The events of one commit that `state` sees (every commit numbers its events the same way for every stream). */
function entryEvents(ctx: CommandContext, entry: CommitEntry, state: ChangeStreamState): Event[] {
  const out: Event[] = [];
  const clusterTime = Clock.toTimestamp(entry.ts);
  const wallTime = new Date(entry.wallMs);
  const txnFields: Doc = {};
  if (entry.txn) {
    const session = ctx.server.sessions.sessions.get(entry.txn.sessionKey);
    txnFields.txnNumber = BSON.Long.fromNumber(entry.txn.txnNumber);
    if (session) txnFields.lsid = session.lsid;
  }
  const head = (idx: number, operationType: string): Doc => ({
    _id: encodeToken({ ts: entry.ts, idx }),
    operationType,
    clusterTime,
    wallTime,
    ...txnFields,
  });
  let idx = 0;
  for (const ch of entry.changes) {
    if (ch.kind === 'doc') {
      const i = (idx += 2) - 2;
      if (!inScope(state, ch.coll.dbName, ch.coll.name)) continue;
      const ns = { db: ch.coll.dbName, coll: ch.coll.name };
      const documentKey = { _id: ch.id };
      const preImages = isPlainObject(ch.coll.options.changeStreamPreAndPostImages) && ch.coll.options.changeStreamPreAndPostImages.enabled === true;
      let doc: Doc;
      if (!ch.prev && ch.doc) doc = { ...head(i, 'insert'), fullDocument: ch.doc, ns, documentKey };
      else if (ch.prev && !ch.doc) doc = { ...head(i, 'delete'), ns, documentKey };
      else if (ch.replace) doc = { ...head(i, 'replace'), fullDocument: ch.doc, ns, documentKey };
      else {
        doc = head(i, 'update');
        const full = updateFullDocument(ctx, state, ch.coll.dbName, ch.coll.name, ch.id, ch.doc, preImages);
        if (full !== undefined) doc.fullDocument = full;
        Object.assign(doc, { ns, documentKey, updateDescription: updateDescription(ch.prev!, ch.doc!, state.showExpandedEvents) });
      }
      if (ch.prev && state.fullDocumentBeforeChange !== 'off') {
        if (preImages) doc.fullDocumentBeforeChange = ch.prev;
        else if (state.fullDocumentBeforeChange === 'required') {
          throw new CommandError(280, `Change stream was configured to require a pre-image for all update, delete and replace events, but the pre-image was not found for the event: ${ns.db}.${ns.coll}`);
        } else doc.fullDocumentBeforeChange = null;
      }
      out.push({ pos: { ts: entry.ts, idx: i }, doc });
      continue;
    }
    const name = Object.keys(ch.command)[0];
    // an invalidate sorts right after the event that caused it (events use even indexes)
    const invalidateAt = (i: number) => out.push({ pos: { ts: entry.ts, idx: i + 1 }, doc: { _id: encodeToken({ ts: entry.ts, idx: i + 1 }, true), operationType: 'invalidate', clusterTime, wallTime }, invalidate: true });
    if (name === 'drop' || name === 'dropDatabase') {
      for (const full of ch.dropped) {
        const i = (idx += 2) - 2;
        const ns = nsOf(full);
        if (!inScope(state, ns.db, ns.coll)) continue;
        out.push({ pos: { ts: entry.ts, idx: i }, doc: { ...head(i, 'drop'), ns } });
        if (state.coll !== undefined) {
          invalidateAt(i);
          return out;
        }
      }
      if (name === 'dropDatabase') {
        const i = (idx += 2) - 2;
        if (state.db === undefined ? inScope(state, ch.db) : state.db === ch.db && state.coll === undefined) {
          out.push({ pos: { ts: entry.ts, idx: i }, doc: { ...head(i, 'dropDatabase'), ns: { db: ch.db } } });
          if (state.db !== undefined) invalidateAt(i);
        }
      }
    } else if (name === 'renameCollection' && ch.dropped.length) {
      const i = (idx += 2) - 2;
      const ns = nsOf(ch.dropped[0]);
      const to = nsOf(String(ch.command.to));
      if (!inScope(state, ns.db, ns.coll)) continue;
      out.push({ pos: { ts: entry.ts, idx: i }, doc: { ...head(i, 'rename'), ns, to } });
      if (state.coll !== undefined) invalidateAt(i);
    } else {
      // create, createIndexes, collMod, ...: events only with showExpandedEvents, which the emulator does not produce
      idx += 2;
    }
  }
  return out;
}

function updateFullDocument(ctx: CommandContext, state: ChangeStreamState, db: string, coll: string, id: unknown, post: Doc | null, postImages: boolean): Doc | null | undefined {
  switch (state.fullDocument) {
    case 'updateLookup': {
      // the current majority-committed version, as mongod looks it up (it may be newer than the event)
      const c = ctx.engine.collection(db, coll);
      return c?.records.get(c.recordKey(id))?.doc ?? null;
    }
    case 'whenAvailable':
      return postImages ? post : null;
    case 'required':
      if (postImages) return post;
      throw new CommandError(280, `Change stream was configured to require a post-image for all update events, but the post-image was not found for the event: ${db}.${coll}`);
    default:
      return undefined;
  }
}

// ------------------------------------------------------------------ update descriptions

function sameValue(a: unknown, b: unknown): boolean {
  return Buffer.from(BSON.serialize({ v: a })).equals(BSON.serialize({ v: b }));
}

/**
 * The difference between two versions of a document in mongod's shape: changed or added
 * fields (dotted paths into changed sub-documents and array elements), removed fields and
 * arrays that got shorter. mongod derives it from the update it logged; this is derived from
 * the two versions, which gives the same answer except when an operator rewrote a whole
 * array or sub-document to a value with the same prefix (mongod then reports the whole field).
 */
export function updateDescription(prev: Doc, next: Doc, expanded: boolean): Doc {
  const updatedFields: Doc = {};
  const removedFields: string[] = [];
  const truncatedArrays: Doc[] = [];
  const walk = (a: Doc, b: Doc, prefix: string) => {
    for (const k of Object.keys(a)) if (!(k in b)) removedFields.push(prefix + k);
    for (const [k, v] of Object.entries(b)) {
      const path = prefix + k;
      if (!(k in a)) updatedFields[path] = v;
      else if (sameValue(a[k], v)) continue;
      else if (isPlainObject(a[k]) && isPlainObject(v)) walk(a[k] as Doc, v, `${path}.`);
      else if (Array.isArray(a[k]) && Array.isArray(v)) walkArray(a[k] as unknown[], v, path);
      else updatedFields[path] = v;
    }
  };
  const walkArray = (a: unknown[], b: unknown[], path: string) => {
    if (b.length < a.length) truncatedArrays.push({ field: path, newSize: b.length });
    for (let i = 0; i < b.length; i++) {
      if (i < a.length && sameValue(a[i], b[i])) continue;
      if (i < a.length && isPlainObject(a[i]) && isPlainObject(b[i])) walk(a[i] as Doc, b[i] as Doc, `${path}.${i}.`);
      else updatedFields[`${path}.${i}`] = b[i];
    }
  };
  walk(prev, next, '');
  const out: Doc = { updatedFields, removedFields, truncatedArrays };
  if (expanded) out.disambiguatedPaths = {};
  return out;
}
