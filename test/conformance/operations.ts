// Entity operations (CRUD, sessions, cursors, database and client helpers) and the
// testRunner's special operations, each mapped onto the Node driver's public API.
import {
  type AbstractCursor,
  type AnyBulkWriteOperation,
  type ClientSession,
  type Collection,
  type Db,
  type MongoClient,
  type TransactionOptions,
} from 'mongodb';

import { type EntityMap, toConcernOptions } from './entities';
import { countMatchingEvents } from './events';
import { checkExpectedError, describeError } from './expect-error';
import { assertMatch, MatchError } from './matcher';
import { normalizeResult, updateResultToDoc } from './results';
import type { Doc, Operation } from './types';

/** Per-test state the operations need besides the entity map. */
export interface OperationContext {
  entities: EntityMap;
  /** the runner's own client (assertCollectionExists, fail point clean-up, ...) */
  internalClient: MongoClient;
  /** fail points to turn off after the test: the client that set it and its name */
  failPoints: { client: MongoClient; name: string }[];
  /** set when the test ran startTransaction or withTransaction */
  usedTransactions: boolean;
}

/** A result plus how expectResult must treat it. */
interface OpResult {
  value: unknown;
  /** the value is an iterable of documents: each element is a root-level document */
  documents?: boolean;
  /** saveResultAsEntity stores it as this entity kind */
  kind?: 'cursor';
}

type Executor = (target: string, args: Doc, ctx: OperationContext) => Promise<OpResult>;

const value = (v: unknown): OpResult => ({ value: v });
const documents = (v: unknown): OpResult => ({ value: v, documents: true });

/** Resolve `session` and turn concern options into driver objects. */
function options(args: Doc, ctx: OperationContext, omit: string[] = []): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(args)) {
    if (omit.includes(k)) continue;
    out[k] = k === 'session' ? ctx.entities.session(String(v)) : v;
  }
  return toConcernOptions(out);
}

function findOptions(args: Doc, ctx: OperationContext, omit: string[]): Doc {
  const o = options(args, ctx, omit);
  // The spec's cursorType enum maps onto the driver's two booleans.
  if (o.cursorType === 'tailable') Object.assign(o, { tailable: true });
  if (o.cursorType === 'tailableAwait') Object.assign(o, { tailable: true, awaitData: true });
  delete o.cursorType;
  return o;
}

function returnDocument(o: Doc): Doc {
  if (typeof o.returnDocument === 'string') o.returnDocument = o.returnDocument.toLowerCase();
  return o;
}

function collectionOrDb(ctx: OperationContext, target: string): Collection<Doc> | Db {
  const kind = ctx.entities.kindOf(target);
  if (kind === 'collection') return ctx.entities.collection(target);
  if (kind === 'database') return ctx.entities.database(target);
  throw new Error(`entity ${target} is neither a collection nor a database`);
}

/** bulkWrite request models in spec form are the driver's form already, except for option names. */
function bulkModels(requests: Doc[]): AnyBulkWriteOperation<Doc>[] {
  return requests.map((r) => {
    const [name, body] = Object.entries(r)[0];
    return { [name]: { ...(body as Doc) } } as unknown as AnyBulkWriteOperation<Doc>;
  });
}

/** clientBulkWrite models: `{ insertOne: { namespace, document } }` → `{ name: 'insertOne', namespace, document }` */
function clientBulkModels(models: Doc[]): Doc[] {
  return models.map((m) => {
    const [name, body] = Object.entries(m)[0];
    return { name, ...(body as Doc) };
  });
}

const sessionStates: Record<string, string[]> = {
  none: ['NO_TRANSACTION'],
  starting: ['STARTING_TRANSACTION'],
  in_progress: ['TRANSACTION_IN_PROGRESS'],
  committed: ['TRANSACTION_COMMITTED', 'TRANSACTION_COMMITTED_EMPTY'],
  aborted: ['TRANSACTION_ABORTED'],
};

function serverSessionOf(session: ClientSession): { isDirty?: boolean } | undefined {
  // `serverSession` throws once an explicit session has released it; read the field directly.
  return (session as unknown as { _serverSession?: { isDirty?: boolean } })._serverSession;
}

function lastTwoLsids(ctx: OperationContext, clientId: string): [unknown, unknown] {
  const client = ctx.entities.clientEntity(clientId);
  if (!client.observes('commandStartedEvent')) throw new Error(`client ${clientId} does not observe commandStartedEvent`);
  const started = client.events.filter((e) => e.kind === 'commandStartedEvent');
  if (started.length < 2) throw new MatchError('events', `expected at least two commands on ${clientId}, saw ${started.length}`);
  const [a, b] = started.slice(-2).map((e) => (e.command as Doc).lsid as Doc | undefined);
  if (!a || !b) throw new MatchError('events', 'one of the last two commands has no lsid');
  return [a.id, b.id];
}

function sameBinary(a: unknown, b: unknown): boolean {
  const bytes = (x: unknown) => Buffer.from((x as { buffer: Uint8Array }).buffer);
  return bytes(a).equals(bytes(b));
}

async function collectionNames(client: MongoClient, db: string): Promise<string[]> {
  return (await client.db(db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
}

async function indexNames(client: MongoClient, db: string, coll: string): Promise<string[]> {
  try {
    return (await client.db(db).collection(coll).listIndexes().toArray()).map((i) => String(i.name));
  } catch (e) {
    if ((e as { code?: number }).code === 26) return []; // NamespaceNotFound: no collection, no index
    throw e;
  }
}

async function prefetched<T extends AbstractCursor>(cursor: T): Promise<OpResult> {
  // createFindCursor/createCommandCursor must send the initial command now without consuming a document.
  await cursor.hasNext();
  return { value: cursor, kind: 'cursor' };
}

const executors: Record<string, Executor> = {
  // ---------- collection ----------
  async aggregate(t, a, ctx) {
    return documents(await collectionOrDb(ctx, t).aggregate((a.pipeline as Doc[]) ?? [], options(a, ctx, ['pipeline'])).toArray());
  },
  async bulkWrite(t, a, ctx) {
    return value(await ctx.entities.collection(t).bulkWrite(bulkModels(a.requests as Doc[]), options(a, ctx, ['requests'])));
  },
  async count(t, a, ctx) {
    return value(await ctx.entities.collection(t).count((a.filter as Doc) ?? {}, options(a, ctx, ['filter'])));
  },
  async countDocuments(t, a, ctx) {
    return value(await ctx.entities.collection(t).countDocuments((a.filter as Doc) ?? {}, options(a, ctx, ['filter'])));
  },
  async estimatedDocumentCount(t, a, ctx) {
    return value(await ctx.entities.collection(t).estimatedDocumentCount(options(a, ctx)));
  },
  async distinct(t, a, ctx) {
    return value(await ctx.entities.collection(t).distinct(String(a.fieldName), (a.filter as Doc) ?? {}, options(a, ctx, ['fieldName', 'filter'])));
  },
  async find(t, a, ctx) {
    return documents(await ctx.entities.collection(t).find((a.filter as Doc) ?? {}, findOptions(a, ctx, ['filter'])).toArray());
  },
  async findOne(t, a, ctx) {
    return value(await ctx.entities.collection(t).findOne((a.filter as Doc) ?? {}, findOptions(a, ctx, ['filter'])));
  },
  async createFindCursor(t, a, ctx) {
    return prefetched(ctx.entities.collection(t).find((a.filter as Doc) ?? {}, findOptions(a, ctx, ['filter'])));
  },
  async findOneAndDelete(t, a, ctx) {
    return value(await ctx.entities.collection(t).findOneAndDelete(a.filter as Doc, options(a, ctx, ['filter'])));
  },
  async findOneAndReplace(t, a, ctx) {
    return value(await ctx.entities.collection(t).findOneAndReplace(a.filter as Doc, a.replacement as Doc, returnDocument(options(a, ctx, ['filter', 'replacement']))));
  },
  async findOneAndUpdate(t, a, ctx) {
    return value(await ctx.entities.collection(t).findOneAndUpdate(a.filter as Doc, a.update as Doc, returnDocument(options(a, ctx, ['filter', 'update']))));
  },
  async insertOne(t, a, ctx) {
    return value(await ctx.entities.collection(t).insertOne(a.document as Doc, options(a, ctx, ['document'])));
  },
  async insertMany(t, a, ctx) {
    return value(await ctx.entities.collection(t).insertMany(a.documents as Doc[], options(a, ctx, ['documents'])));
  },
  async updateOne(t, a, ctx) {
    return value(updateResultToDoc((await ctx.entities.collection(t).updateOne(a.filter as Doc, a.update as Doc, options(a, ctx, ['filter', 'update']))) as unknown as Doc));
  },
  async updateMany(t, a, ctx) {
    return value(updateResultToDoc((await ctx.entities.collection(t).updateMany(a.filter as Doc, a.update as Doc, options(a, ctx, ['filter', 'update']))) as unknown as Doc));
  },
  async replaceOne(t, a, ctx) {
    return value(updateResultToDoc((await ctx.entities.collection(t).replaceOne(a.filter as Doc, a.replacement as Doc, options(a, ctx, ['filter', 'replacement']))) as unknown as Doc));
  },
  async deleteOne(t, a, ctx) {
    return value(await ctx.entities.collection(t).deleteOne(a.filter as Doc, options(a, ctx, ['filter'])));
  },
  async deleteMany(t, a, ctx) {
    return value(await ctx.entities.collection(t).deleteMany(a.filter as Doc, options(a, ctx, ['filter'])));
  },
  async createIndex(t, a, ctx) {
    return value(await ctx.entities.collection(t).createIndex(a.keys as Parameters<Collection['createIndex']>[0], options(a, ctx, ['keys'])));
  },
  async dropIndex(t, a, ctx) {
    return value(await ctx.entities.collection(t).dropIndex(String(a.name), options(a, ctx, ['name'])));
  },
  async dropIndexes(t, a, ctx) {
    return value(await ctx.entities.collection(t).dropIndexes(options(a, ctx)));
  },
  async listIndexes(t, a, ctx) {
    return documents(await ctx.entities.collection(t).listIndexes(options(a, ctx)).toArray());
  },
  async listIndexNames(t, a, ctx) {
    return value((await ctx.entities.collection(t).listIndexes(options(a, ctx)).toArray()).map((i) => i.name));
  },
  async drop(t, a, ctx) {
    return value(await ctx.entities.collection(t).drop(options(a, ctx)));
  },
  async rename(t, a, ctx) {
    await ctx.entities.collection(t).rename(String(a.to), options(a, ctx, ['to']));
    return value(undefined);
  },

  // ---------- database ----------
  async createCollection(t, a, ctx) {
    await ctx.entities.database(t).createCollection(String(a.collection), options(a, ctx, ['collection']));
    return value(undefined);
  },
  async dropCollection(t, a, ctx) {
    return value(await ctx.entities.database(t).dropCollection(String(a.collection), options(a, ctx, ['collection'])));
  },
  async listCollections(t, a, ctx) {
    return documents(await ctx.entities.database(t).listCollections((a.filter as Doc) ?? {}, options(a, ctx, ['filter'])).toArray());
  },
  async listCollectionNames(t, a, ctx) {
    const colls = await ctx.entities.database(t).listCollections((a.filter as Doc) ?? {}, { ...options(a, ctx, ['filter']), nameOnly: true }).toArray();
    return value(colls.map((c) => c.name));
  },
  async modifyCollection(t, a, ctx) {
    const { collection, session, ...rest } = a;
    const o = session === undefined ? {} : { session: ctx.entities.session(String(session)) };
    return value(await ctx.entities.database(t).command({ collMod: collection, ...rest }, o));
  },
  async runCommand(t, a, ctx) {
    return value(await ctx.entities.database(t).command(a.command as Doc, options(a, ctx, ['command', 'commandName'])));
  },
  async runCursorCommand(t, a, ctx) {
    return documents(await commandCursor(t, a, ctx).toArray());
  },
  async createCommandCursor(t, a, ctx) {
    return prefetched(commandCursor(t, a, ctx));
  },
  async dropDatabase(t, a, ctx) {
    return value(await ctx.entities.database(t).dropDatabase(options(a, ctx)));
  },

  // ---------- client ----------
  async listDatabases(t, a, ctx) {
    const res = await ctx.entities.client(t).db('admin').admin().listDatabases(options(a, ctx));
    return documents(res.databases);
  },
  async listDatabaseNames(t, a, ctx) {
    const res = await ctx.entities.client(t).db('admin').admin().listDatabases({ ...options(a, ctx), nameOnly: true });
    return value(res.databases.map((d) => d.name));
  },
  async clientBulkWrite(t, a, ctx) {
    const client = ctx.entities.client(t) as unknown as { bulkWrite(models: Doc[], options: Doc): Promise<unknown> };
    return value(await client.bulkWrite(clientBulkModels(a.models as Doc[]), options(a, ctx, ['models'])));
  },

  // ---------- change streams ----------
  async createChangeStream(t, a, ctx) {
    const kind = ctx.entities.kindOf(t);
    const target = kind === 'client' ? ctx.entities.client(t) : kind === 'database' ? ctx.entities.database(t) : ctx.entities.collection(t);
    const stream = (target as Collection<Doc>).watch((a.pipeline as Doc[]) ?? [], options(a, ctx, ['pipeline']));
    // The spec: the initial aggregate runs now. The driver sends it lazily, on the first
    // iteration; its cursor's init sends it without consuming an event.
    const cursor = (stream as unknown as { cursor: { cursorInit(): Promise<void> } }).cursor;
    try {
      await cursor.cursorInit();
    } catch (e) {
      await stream.close().catch(() => undefined);
      throw e;
    }
    return { value: stream, kind: 'cursor' };
  },

  // ---------- cursors ----------
  async iterateUntilDocumentOrError(t, _a, ctx) {
    const cursor = ctx.entities.cursor(t) as AbstractCursor;
    return value(await cursor.next());
  },
  async iterateOnce(t, _a, ctx) {
    const cursor = ctx.entities.cursor(t) as AbstractCursor;
    return value(await cursor.tryNext());
  },
  async close(t, _a, ctx) {
    // The spec: errors from closing a cursor (killCursors) are always suppressed.
    await (ctx.entities.cursor(t) as AbstractCursor).close().catch(() => undefined);
    return value(undefined);
  },

  // ---------- session ----------
  async startTransaction(t, a, ctx) {
    ctx.usedTransactions = true;
    ctx.entities.session(t).startTransaction(toConcernOptions(a) as TransactionOptions);
    return value(undefined);
  },
  async commitTransaction(t, _a, ctx) {
    return value(await ctx.entities.session(t).commitTransaction());
  },
  async abortTransaction(t, _a, ctx) {
    return value(await ctx.entities.session(t).abortTransaction());
  },
  async withTransaction(t, a, ctx) {
    ctx.usedTransactions = true;
    const { callback, ...rest } = a;
    const session = ctx.entities.session(t);
    const result = await session.withTransaction(async () => {
      for (const op of (callback as Operation[]) ?? []) await runOperation(op, ctx, { inCallback: true });
    }, toConcernOptions(rest) as TransactionOptions);
    return value(result);
  },
  async endSession(t, _a, ctx) {
    await ctx.entities.session(t).endSession();
    return value(undefined);
  },
  async getSnapshotTime(t, _a, ctx) {
    return value((ctx.entities.session(t) as unknown as { snapshotTime?: unknown }).snapshotTime);
  },
};

function commandCursor(t: string, a: Doc, ctx: OperationContext) {
  const o = options(a, ctx, ['command', 'commandName', 'batchSize', 'maxTimeMS', 'comment']);
  const cursor = ctx.entities.database(t).runCursorCommand(a.command as Doc, o);
  if (a.batchSize !== undefined) cursor.setBatchSize(Number(a.batchSize));
  if (a.maxTimeMS !== undefined) cursor.setMaxTimeMS(Number(a.maxTimeMS));
  if (a.comment !== undefined) cursor.setComment(a.comment);
  return cursor;
}

// ---------- testRunner operations ----------

type Special = (args: Doc, ctx: OperationContext) => Promise<void>;

async function configureFailPoint(client: MongoClient, failPoint: Doc, ctx: OperationContext): Promise<void> {
  await client.db('admin').command(failPoint);
  ctx.failPoints.push({ client, name: String(failPoint.configureFailPoint) });
}

const specials: Record<string, Special> = {
  async failPoint(a, ctx) {
    await configureFailPoint(ctx.entities.client(String(a.client)), a.failPoint as Doc, ctx);
  },
  async targetedFailPoint(a, ctx) {
    // A replica set has one primary: the server a session is "pinned" to is the one its client talks to.
    await configureFailPoint(ctx.entities.sessionClient(String(a.session)), a.failPoint as Doc, ctx);
  },
  async assertSessionTransactionState(a, ctx) {
    const state = (ctx.entities.session(String(a.session)) as unknown as { transaction: { state: string } }).transaction.state;
    const wanted = sessionStates[String(a.state)];
    if (!wanted) throw new Error(`unknown transaction state ${String(a.state)}`);
    if (!wanted.includes(state)) throw new MatchError('session', `expected transaction state ${String(a.state)}, got ${state}`);
  },
  async assertSessionPinned(a, ctx) {
    if (!ctx.entities.session(String(a.session)).isPinned) throw new MatchError('session', 'expected the session to be pinned');
  },
  async assertSessionUnpinned(a, ctx) {
    if (ctx.entities.session(String(a.session)).isPinned) throw new MatchError('session', 'expected the session to be unpinned');
  },
  async assertSessionDirty(a, ctx) {
    if (serverSessionOf(ctx.entities.session(String(a.session)))?.isDirty !== true) throw new MatchError('session', 'expected the session to be dirty');
  },
  async assertSessionNotDirty(a, ctx) {
    if (serverSessionOf(ctx.entities.session(String(a.session)))?.isDirty === true) throw new MatchError('session', 'expected the session not to be dirty');
  },
  async assertSameLsidOnLastTwoCommands(a, ctx) {
    const [x, y] = lastTwoLsids(ctx, String(a.client));
    if (!sameBinary(x, y)) throw new MatchError('events', 'expected the last two commands to use the same lsid');
  },
  async assertDifferentLsidOnLastTwoCommands(a, ctx) {
    const [x, y] = lastTwoLsids(ctx, String(a.client));
    if (sameBinary(x, y)) throw new MatchError('events', 'expected the last two commands to use different lsids');
  },
  async assertCollectionExists(a, ctx) {
    const names = await collectionNames(ctx.internalClient, String(a.databaseName));
    if (!names.includes(String(a.collectionName))) throw new MatchError('collections', `expected collection ${String(a.databaseName)}.${String(a.collectionName)} to exist`);
  },
  async assertCollectionNotExists(a, ctx) {
    const names = await collectionNames(ctx.internalClient, String(a.databaseName));
    if (names.includes(String(a.collectionName))) throw new MatchError('collections', `expected collection ${String(a.databaseName)}.${String(a.collectionName)} not to exist`);
  },
  async assertIndexExists(a, ctx) {
    const names = await indexNames(ctx.internalClient, String(a.databaseName), String(a.collectionName));
    if (!names.includes(String(a.indexName))) throw new MatchError('indexes', `expected index ${String(a.indexName)} to exist (have ${names.join(', ')})`);
  },
  async assertIndexNotExists(a, ctx) {
    const names = await indexNames(ctx.internalClient, String(a.databaseName), String(a.collectionName));
    if (names.includes(String(a.indexName))) throw new MatchError('indexes', `expected index ${String(a.indexName)} not to exist`);
  },
  async createEntities(a, ctx) {
    await ctx.entities.create(a.entities as Doc[]);
  },
  async assertNumberConnectionsCheckedOut(a, ctx) {
    const client = ctx.entities.client(String(a.client)) as unknown as { topology?: { s: { servers: Map<string, { pool: { currentCheckedOutCount: number } }> } } };
    const servers = [...(client.topology?.s.servers.values() ?? [])];
    const n = servers.reduce((sum, s) => sum + s.pool.currentCheckedOutCount, 0);
    if (n !== Number(a.connections)) throw new MatchError('connections', `expected ${String(a.connections)} checked-out connection(s), got ${n}`);
  },
  async wait(a) {
    await new Promise((r) => setTimeout(r, Number(a.ms)));
  },
  async waitForEvent(a, ctx) {
    const client = ctx.entities.clientEntity(String(a.client));
    const deadline = Date.now() + 10_000;
    while (countMatchingEvents(client.events, a.event as Doc, ctx.entities) < Number(a.count)) {
      if (Date.now() > deadline) throw new MatchError('events', `timed out waiting for ${String(a.count)} ${Object.keys(a.event as Doc)[0]}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  },
  async assertEventCount(a, ctx) {
    const client = ctx.entities.clientEntity(String(a.client));
    const n = countMatchingEvents(client.events, a.event as Doc, ctx.entities);
    if (n !== Number(a.count)) throw new MatchError('events', `expected ${String(a.count)} ${Object.keys(a.event as Doc)[0]}, saw ${n}`);
  },
};

export function isSupportedOperation(op: Operation): boolean {
  return op.object === 'testRunner' ? op.name in specials : op.name in executors;
}

/**
 * Execute one operation and apply its expectations. Throws MatchError on a failed
 * assertion and any other error for an unexpected failure; both fail the test.
 */
export async function runOperation(op: Operation, ctx: OperationContext, opts: { inCallback?: boolean } = {}): Promise<void> {
  const args = op.arguments ?? {};
  if (op.object === 'testRunner') {
    const special = specials[op.name];
    if (!special) throw new Error(`unsupported testRunner operation ${op.name}`);
    await special(args, ctx);
    return;
  }
  const exec = executors[op.name];
  if (!exec) throw new Error(`unsupported operation ${op.name}`);

  let result: OpResult | undefined;
  let error: unknown;
  try {
    result = await exec(op.object, args, ctx);
  } catch (e) {
    error = e;
  }
  // Inside a withTransaction callback every error must still reach withTransaction (it decides
  // on retries from the labels), whatever ignoreResultAndError or expectError say.
  const passOn = opts.inCallback && error !== undefined;
  if (op.ignoreResultAndError) {
    if (passOn) throw error;
    return;
  }

  if (op.expectError) {
    if (error === undefined) throw new MatchError(op.name, `expected an error, got result ${safeShow(result?.value)}`);
    checkExpectedError(op.expectError, error, { entities: ctx.entities });
    if (passOn) throw error;
    return;
  }
  if (error !== undefined) {
    // Unexpected: rethrow as is so that withTransaction sees the driver error and its labels.
    throw error;
  }
  const actual = normalizeResult(result?.value);
  if (op.expectResult !== undefined) {
    assertMatch(op.expectResult, actual, { root: true, rootElements: result?.documents, entities: ctx.entities });
  }
  if (op.saveResultAsEntity) ctx.entities.save(op.saveResultAsEntity, result?.kind === 'cursor' ? result.value : actual, result?.kind ?? 'value');
}

function safeShow(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 200 ? `${s.slice(0, 200)}…` : s;
  } catch {
    return describeError(v);
  }
}

