/**
 * Change streams through the official driver: scopes (collection, database, client), event
 * shapes, transactions (events at commit, in statement order, none on abort), updateLookup,
 * resume tokens, awaitData getMore, and drop → invalidate.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { ChangeStream, ChangeStreamDocument, Document, Int32, Timestamp } from 'mongodb';
import { Harness, rawCommand, startHarness } from '../spec-helpers';
import { updateDescription } from './change-streams';

/** Opens the stream now (the driver sends the aggregate lazily). */
async function opened<T extends Document>(stream: ChangeStream<T>): Promise<ChangeStream<T>> {
  await (stream as unknown as { cursor: { cursorInit(): Promise<void> } }).cursor.cursorInit();
  return stream;
}

async function take<T extends Document>(stream: ChangeStream<T>, n: number): Promise<ChangeStreamDocument<T>[]> {
  const out: ChangeStreamDocument<T>[] = [];
  while (out.length < n) out.push((await stream.next()) as ChangeStreamDocument<T>);
  return out;
}

describe('change streams', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('a collection, database and client stream each see their own scope, in commit order', async () => {
    const d1 = h.client.db(h.dbName());
    const d2 = h.client.db(h.dbName());
    const coll = await opened(d1.collection('c1').watch());
    const db = await opened(d1.watch());
    const all = await opened(h.client.watch());
    await d1.collection('c1').insertOne({ _id: 1 as never });
    await d1.collection('c2').insertOne({ _id: 2 as never });
    await d2.collection('c1').insertOne({ _id: 3 as never });
    await d1.collection('c1').insertOne({ _id: 4 as never });
    const ids = (evs: ChangeStreamDocument[]) => evs.map((e) => ('documentKey' in e ? e.documentKey._id : undefined));
    assert.deepEqual(ids(await take(coll, 2)), [1, 4]);
    assert.deepEqual(ids(await take(db, 3)), [1, 2, 4]);
    const clientEvents = await take(all, 4);
    assert.deepEqual(ids(clientEvents), [1, 2, 3, 4]);
    assert.deepEqual((clientEvents[2] as { ns: unknown }).ns, { db: d2.databaseName, coll: 'c1' });
    for (const s of [coll, db, all]) await s.close();
  });

  it('reports insert, update (with updateDescription), replace and delete in mongod shapes', async () => {
    const c = h.client.db(h.dbName()).collection('docs');
    const stream = await opened(c.watch());
    await c.insertOne({ _id: 1 as never, a: 1, sub: { x: 1, y: 2 }, arr: [1, 2, 3], gone: true });
    await c.updateOne({ _id: 1 as never }, { $set: { 'sub.x': 5, b: 'new' }, $unset: { gone: '' }, $pop: { arr: 1 } });
    await c.replaceOne({ _id: 1 as never }, { z: 1 });
    await c.deleteOne({ _id: 1 as never });
    const [ins, upd, rep, del] = await take(stream, 4);
    assert.equal(ins.operationType, 'insert');
    assert.deepEqual(Object.keys(ins), ['_id', 'operationType', 'clusterTime', 'wallTime', 'fullDocument', 'ns', 'documentKey']);
    assert.deepEqual((ins as { fullDocument: unknown }).fullDocument, { _id: 1, a: 1, sub: { x: 1, y: 2 }, arr: [1, 2, 3], gone: true });
    assert.ok(ins.clusterTime instanceof Timestamp);
    assert.equal(upd.operationType, 'update');
    assert.deepEqual((upd as { updateDescription: unknown }).updateDescription, {
      updatedFields: { 'sub.x': 5, b: 'new' },
      removedFields: ['gone'],
      truncatedArrays: [{ field: 'arr', newSize: 2 }],
    });
    assert.equal('fullDocument' in upd, false, 'no fullDocument on updates by default');
    assert.equal(rep.operationType, 'replace');
    assert.deepEqual((rep as { fullDocument: unknown }).fullDocument, { _id: 1, z: 1 });
    assert.equal(del.operationType, 'delete');
    assert.deepEqual((del as { documentKey: unknown }).documentKey, { _id: 1 });
    await stream.close();
  });

  it("fullDocument 'updateLookup' returns the document as it is when the event is read", async () => {
    const c = h.client.db(h.dbName()).collection('docs');
    await c.insertOne({ _id: 1 as never, n: 0 });
    const stream = await opened(c.watch([], { fullDocument: 'updateLookup' }));
    await c.updateOne({ _id: 1 as never }, { $inc: { n: 1 } });
    await c.updateOne({ _id: 1 as never }, { $inc: { n: 1 } });
    const [first] = await take(stream, 1);
    assert.deepEqual((first as { fullDocument: unknown }).fullDocument, { _id: 1, n: 2 });
    await stream.close();
  });

  it("shows a transaction's writes only at commit, in statement order, and nothing of an aborted one", async () => {
    const db = h.client.db(h.dbName());
    await db.collection('a').insertOne({ _id: 'b' as never, n: 0 });
    const stream = await opened(db.watch());
    const session = h.client.startSession();
    try {
      session.startTransaction();
      await db.collection('a').insertOne({ _id: 'a1' as never }, { session });
      await db.collection('a').updateOne({ _id: 'b' as never }, { $inc: { n: 1 } }, { session });
      await db.collection('other').insertOne({ _id: 'o1' as never }, { session });
      await db.collection('a').insertOne({ _id: 'plain' as never });
      assert.equal(((await stream.tryNext()) as { documentKey: { _id: unknown } }).documentKey._id, 'plain', 'the plain write commits first');
      assert.equal(await stream.tryNext(), null, 'nothing of the open transaction');
      await session.commitTransaction();
      const evs = await take(stream, 3);
      assert.deepEqual(
        evs.map((e) => [e.operationType, (e as { documentKey: { _id: unknown } }).documentKey._id]),
        [['insert', 'a1'], ['update', 'b'], ['insert', 'o1']],
      );
      assert.ok(evs.every((e) => (e as { txnNumber?: unknown }).txnNumber !== undefined && (e as { lsid?: unknown }).lsid !== undefined));
      assert.ok(evs.every((e) => String(e.clusterTime) === String(evs[0].clusterTime)), 'one commit time');
      session.startTransaction();
      await db.collection('a').insertOne({ _id: 'aborted' as never }, { session });
      await session.abortTransaction();
      await db.collection('a').insertOne({ _id: 'after' as never });
      assert.equal(((await stream.next()) as { documentKey: { _id: unknown } }).documentKey._id, 'after');
    } finally {
      await session.endSession();
      await stream.close();
    }
  });

  it('resumes after a token, starts after one, and starts at an operation time', async () => {
    const c = h.client.db(h.dbName()).collection('docs');
    const stream = await opened(c.watch());
    const res = await c.insertOne({ _id: 1 as never });
    await c.insertOne({ _id: 2 as never });
    await c.insertOne({ _id: 3 as never });
    const [e1, e2] = await take(stream, 2);
    await stream.close();
    const id = (e: ChangeStreamDocument | null) => (e as { documentKey: { _id: unknown } }).documentKey._id;
    const resumed = await opened(c.watch([], { resumeAfter: e1._id }));
    assert.equal(id(await resumed.next()), 2);
    await resumed.close();
    const started = await opened(c.watch([], { startAfter: e2._id }));
    assert.equal(id(await started.next()), 3);
    await started.close();
    const at = await opened(c.watch([], { startAtOperationTime: e1.clusterTime }));
    assert.equal(id(await at.next()), 1);
    await at.close();
    assert.ok(res.acknowledged);
    await assert.rejects(opened(c.watch([], { startAtOperationTime: new Timestamp({ t: 1, i: 1 }) })), { code: 286 });
    await assert.rejects(opened(c.watch([], { resumeAfter: { _data: 'nonsense' } })), { code: 260 });
  });

  it('getMore waits for the next commit (awaitData) and always carries a postBatchResumeToken', async () => {
    const dbName = h.dbName();
    const c = h.client.db(dbName).collection('docs');
    await c.insertOne({ _id: 0 as never });
    const opened = await rawCommand(h.emu, { aggregate: 'docs', pipeline: [{ $changeStream: {} }], cursor: {} }, dbName);
    const cursor = opened.cursor as { id: unknown; postBatchResumeToken: unknown; firstBatch: unknown[] };
    assert.deepEqual(cursor.firstBatch, []);
    assert.ok(cursor.postBatchResumeToken);
    const empty = await rawCommand(h.emu, { getMore: cursor.id, collection: 'docs', maxTimeMS: 50 }, dbName);
    assert.deepEqual((empty.cursor as { nextBatch: unknown[] }).nextBatch, []);
    const waiting = rawCommand(h.emu, { getMore: cursor.id, collection: 'docs', maxTimeMS: 60_000 }, dbName);
    await c.insertOne({ _id: 1 as never });
    const woke = (await waiting).cursor as { nextBatch: { documentKey: unknown }[]; postBatchResumeToken: unknown };
    assert.deepEqual(woke.nextBatch.map((e) => e.documentKey), [{ _id: new Int32(1) }], 'raw replies keep BSON types');
    assert.ok(woke.postBatchResumeToken);
  });

  it('a drop reports drop then invalidate and closes a collection stream; rename reports the new name', async () => {
    const db = h.client.db(h.dbName());
    await db.collection('x').insertOne({ _id: 1 as never });
    await db.collection('y').insertOne({ _id: 1 as never });
    const xs = await opened(db.collection('x').watch());
    const dbStream = await opened(db.watch());
    await db.collection('x').drop();
    await db.collection('y').rename('z');
    const [drop, inv] = await take(xs, 2);
    assert.deepEqual([drop.operationType, (drop as { ns: unknown }).ns], ['drop', { db: db.databaseName, coll: 'x' }]);
    assert.equal(inv.operationType, 'invalidate');
    assert.equal(xs.closed || (await xs.tryNext().catch(() => null)) === null, true);
    const [d, r] = await take(dbStream, 2);
    assert.equal(d.operationType, 'drop');
    assert.deepEqual([r.operationType, (r as { to: unknown }).to], ['rename', { db: db.databaseName, coll: 'z' }]);
    await xs.close();
    await dbStream.close();
  });

  it('refuses stages that a change stream cannot run, and a pipeline that changes the resume token', async () => {
    const c = h.client.db(h.dbName()).collection('docs');
    await assert.rejects(opened(c.watch([{ $group: { _id: null } }])), /not permitted in a \$changeStream pipeline/);
    await assert.rejects(opened(c.watch([{ $unknownStage: {} }])), { code: 40324 });
    const s = await opened(c.watch([{ $project: { _id: 0 } }]));
    await c.insertOne({ a: 1 });
    await assert.rejects(s.next(), { code: 280 });
    await s.close();
  });
});

describe('change streams with a short history', () => {
  it('fail with ChangeStreamHistoryLost when the reader falls behind the kept commits, never skipping silently', async () => {
    const h = await startHarness({ changeStreamHistoryEntries: 5 });
    try {
      const c = h.client.db(h.dbName()).collection('docs');
      const stream = await opened(c.watch());
      for (let i = 0; i < 10; i++) await c.insertOne({ _id: i as never });
      await assert.rejects(stream.next(), { code: 286 });
      await stream.close();
    } finally {
      await h.close();
    }
  });
});

describe(updateDescription.name, () => {
  it('gives dotted paths into sub-documents and array elements, removals and truncations', () => {
    assert.deepEqual(updateDescription({ _id: 1, a: { b: 1, c: [1, { d: 1 }] }, e: 1 }, { _id: 1, a: { b: 2, c: [1, { d: 2 }, 3] } }, false), {
      updatedFields: { 'a.b': 2, 'a.c.1.d': 2, 'a.c.2': 3 },
      removedFields: ['e'],
      truncatedArrays: [],
    });
  });
});
