/**
 * Ordered compound indexes through the driver: an equality prefix plus a range and a sort walk
 * only the answer, `hint` returns the index's order, counts over an index prefix come from the
 * index alone, transactions and snapshots see their own versions in index order, and old
 * versions are reclaimed once no reader needs them.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Harness, startHarness } from '../spec-helpers';
import { StorageEngine } from './engine';

type Item = { _id: number; tenantId: string; sku: string; createdAt: Date; qty?: number };

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));

describe('ordered indexes', () => {
  let h: Harness;
  let engine: StorageEngine;
  beforeAll(async () => {
    h = await startHarness();
    engine = h.emu.server.engine;
  });
  afterAll(async () => {
    await h.close();
  });

  async function items(n: number) {
    const db = h.client.db(h.dbName());
    const coll = db.collection<Item>('items');
    await coll.createIndex({ tenantId: 1, sku: 1 }, { unique: true });
    await coll.createIndex({ tenantId: 1, createdAt: 1 });
    // inserted out of date order, so natural order is not index order
    const docs: Item[] = [];
    for (let i = 0; i < n; i++) docs.push({ _id: i, tenantId: `t${i % 4}`, sku: `S${String(i).padStart(4, '0')}`, createdAt: day((i * 37) % n) });
    await coll.insertMany(docs);
    return { db, coll, stored: engine.collection(db.databaseName, 'items')!, docs };
  }

  it('an equality prefix with a range and a sort walks only the matches, in index order', async () => {
    const { coll, stored, docs } = await items(400);
    const filter = { tenantId: 't1', createdAt: { $gte: day(100), $lt: day(300) } };
    const got = await coll.find(filter).sort({ createdAt: -1 }).limit(7).toArray();
    const want = docs
      .filter((d) => d.tenantId === 't1' && d.createdAt >= day(100) && d.createdAt < day(300))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    assert.deepEqual(got.map((d) => d._id), want.slice(0, 7).map((d) => d._id));

    const plan = engine.plan(stored, filter, { sort: { createdAt: -1 } });
    assert.equal(plan.ix?.name, 'tenantId_1_createdAt_1');
    assert.equal(plan.sorted, true);
    assert.equal(plan.reverse, true);
    assert.equal([...engine.rows(stored, {}, plan)].length, want.length, 'the walk visits the matches and nothing else');

    const bySku = engine.plan(stored, { tenantId: 't2', sku: 'S0006' });
    assert.equal(bySku.ix?.name, 'tenantId_1_sku_1');
    assert.deepEqual([...engine.rows(stored, {}, bySku)].map((r) => Number(r.doc._id)), [6]);
    assert.deepEqual(await coll.findOne({ tenantId: 't2', sku: 'S0006' }), docs[6]);
  });

  it('counts over an index prefix come from the index without reading documents', async () => {
    const { coll, stored, docs } = await items(200);
    const plan = engine.plan(stored, { tenantId: 't3' });
    assert.equal(plan.exact, true);
    assert.equal(engine.countExact(plan, {}), 50);
    const ranged = engine.plan(stored, { tenantId: 't3', createdAt: { $gt: day(50) } });
    const expected = docs.filter((d) => d.tenantId === 't3' && d.createdAt > day(50)).length;
    assert.equal(engine.countExact(ranged, {}), expected);
    assert.equal(await coll.countDocuments({ tenantId: 't3' }), 50);
    assert.equal(await coll.countDocuments({ tenantId: 't3', createdAt: { $gt: day(50) } }), expected);
    // a condition the index does not hold: answered by reading documents, still right
    assert.equal(engine.plan(stored, { tenantId: 't3', qty: { $exists: false } }).exact, false);
    assert.equal(await coll.countDocuments({ tenantId: 't3', qty: { $exists: false } }), 50);
    await coll.updateMany({ tenantId: 't3' }, { $set: { tenantId: 't0' } });
    assert.equal(await coll.countDocuments({ tenantId: 't3' }), 0);
    assert.equal(await coll.countDocuments({ tenantId: 't0' }), 100);
  });

  it('hint returns the hinted index order, and $natural the insertion order', async () => {
    const coll = h.client.db(h.dbName()).collection<{ _id: number; a?: number }>('h');
    await coll.createIndex({ a: -1 });
    await coll.createIndex({ a: 1 }, { sparse: true, name: 'a_sparse' });
    await coll.insertMany([{ _id: 1, a: 2 }, { _id: 2, a: 3 }, { _id: 3 }, { _id: 4, a: 1 }]);
    assert.deepEqual((await coll.find({}).hint({ a: -1 }).toArray()).map((d) => d._id), [2, 1, 4, 3]);
    // a sparse index holds no entry for documents without the field: mongod's hinted scan misses them too
    assert.deepEqual((await coll.find({}).hint('a_sparse').toArray()).map((d) => d._id), [4, 1, 2]);
    assert.deepEqual((await coll.find({}).hint({ $natural: -1 }).toArray()).map((d) => d._id), [4, 3, 2, 1]);
    assert.deepEqual((await coll.find({ a: { $gte: 2 } }).hint({ a: -1 }).toArray()).map((d) => d._id), [2, 1]);
  });

  it('a transaction walks the index as of its snapshot plus its own writes', async () => {
    const { db, coll } = await items(8);
    const ids = async (session?: Parameters<typeof coll.find>[1]) =>
      (await coll.find({ tenantId: 't0' }, session).sort({ createdAt: 1 }).toArray()).map((d) => d._id);
    const before = await ids();
    const session = h.client.startSession();
    try {
      session.startTransaction();
      assert.deepEqual(await ids({ session }), before);
      // outside the transaction: move the first document to the end, add a new first one
      await coll.updateOne({ _id: before[0] }, { $set: { createdAt: day(1000) } });
      await coll.insertOne({ _id: 100, tenantId: 't0', sku: 'new', createdAt: day(-1) });
      assert.deepEqual(await ids({ session }), before, 'the snapshot is unchanged');
      await coll.insertOne({ _id: 101, tenantId: 't0', sku: 'mine', createdAt: day(-5) }, { session });
      assert.deepEqual(await ids({ session }), [101, ...before]);
      assert.equal(await coll.countDocuments({ tenantId: 't0' }, { session }), before.length + 1);
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    assert.deepEqual(await ids(), [101, 100, ...before.slice(1), before[0]]);
    assert.equal(await coll.countDocuments({ tenantId: 't0' }), before.length + 2);
    await db.dropDatabase();
  });

  it('keeps old versions only while a transaction or snapshot read needs them', async () => {
    const { db, coll } = await items(4);
    const rec = () => engine.collection(db.databaseName, 'items')!.records.get('n0')!;
    await coll.updateOne({ _id: 0 }, { $set: { qty: 1 } });
    assert.equal(rec().versionCount, 1, 'no reader needs the old version');
    const session = h.client.startSession();
    try {
      session.startTransaction();
      await coll.findOne({ _id: 1 }, { session });
      await coll.updateOne({ _id: 0 }, { $set: { qty: 2 } });
      await coll.updateOne({ _id: 0 }, { $set: { qty: 3 } });
      assert.equal((await coll.findOne({ _id: 0 }, { session }))?.qty, 1);
      assert.ok(rec().versionCount >= 2, 'the version the transaction sees is kept');
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    await coll.updateOne({ _id: 0 }, { $set: { qty: 4 } });
    assert.equal(rec().versionCount, 1, 'reclaimed once the transaction ended');
  });
});
