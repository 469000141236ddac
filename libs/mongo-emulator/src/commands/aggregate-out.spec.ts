/**
 * `$out`, `$merge` and a basic queryPlanner `explain` (issue 19 item 13), through the driver.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Db, MongoServerError } from 'mongodb';
import { Harness, startHarness } from '../spec-helpers';

describe('aggregation writes and explain', () => {
  let h: Harness;
  let db: Db;
  beforeAll(async () => {
    h = await startHarness();
    db = h.client.db(h.dbName());
    await db.collection('src').insertMany([
      { _id: 1, sku: 'a', qty: 1 },
      { _id: 2, sku: 'b', qty: 2 },
      { _id: 3, sku: 'a', qty: 3 },
    ] as never[]);
  });
  afterAll(async () => {
    await h.close();
  });

  it('$out replaces the target, keeps its indexes, and leaves it untouched on a duplicate key', async () => {
    await db.collection('totals').insertOne({ _id: 'old' } as never);
    await db.collection('totals').createIndex({ n: 1 }, { unique: true });
    const cursor = db.collection('src').aggregate([{ $group: { _id: '$sku', n: { $sum: '$qty' } } }, { $sort: { _id: 1 } }, { $out: 'totals' }]);
    assert.deepEqual(await cursor.toArray(), []);
    assert.deepEqual(await db.collection('totals').find().sort({ _id: 1 }).toArray(), [
      { _id: 'a', n: 4 },
      { _id: 'b', n: 2 },
    ]);
    assert.ok((await db.collection('totals').listIndexes().toArray()).some((i) => i.name === 'n_1'));
    await assert.rejects(db.collection('src').aggregate([{ $project: { n: { $literal: 1 } } }, { $out: 'totals' }]).toArray(), (e: MongoServerError) => e.code === 11000);
    assert.equal(await db.collection('totals').countDocuments(), 2, 'the failed $out changed nothing');
    await assert.rejects(db.collection('src').aggregate([{ $out: 'x' }, { $match: {} }]).toArray(), (e: MongoServerError) => e.code === 40601);
  });

  it('$merge inserts, merges, replaces, keeps, fails, and runs whenMatched pipelines', async () => {
    const t = db.collection('merged');
    await t.insertOne({ _id: 1, keep: true, qty: 0 } as never);
    await db.collection('src').aggregate([{ $merge: { into: 'merged' } }]).toArray();
    assert.deepEqual(await t.find().sort({ _id: 1 }).toArray(), [
      { _id: 1, keep: true, qty: 1, sku: 'a' },
      { _id: 2, sku: 'b', qty: 2 },
      { _id: 3, sku: 'a', qty: 3 },
    ]);
    await db.collection('src').aggregate([{ $match: { _id: 1 } }, { $merge: { into: 'merged', whenMatched: 'replace' } }]).toArray();
    assert.deepEqual(await t.findOne({ _id: 1 } as never), { _id: 1, sku: 'a', qty: 1 });
    await db
      .collection('src')
      .aggregate([{ $match: { _id: 2 } }, { $merge: { into: 'merged', whenMatched: [{ $set: { qty: { $add: ['$qty', '$$new.qty'] } } }] } }])
      .toArray();
    assert.equal((await t.findOne({ _id: 2 } as never))?.qty, 4);
    await assert.rejects(db.collection('src').aggregate([{ $merge: { into: 'merged', whenMatched: 'fail' } }]).toArray(), (e: MongoServerError) => e.code === 11000);
    await assert.rejects(db.collection('src').aggregate([{ $merge: { into: 'merged', on: 'sku' } }]).toArray(), (e: MongoServerError) => e.code === 51183);
    await db.collection('src').aggregate([{ $merge: { into: 'fresh', whenNotMatched: 'discard' } }]).toArray();
    assert.equal(await db.collection('fresh').countDocuments(), 0);
    const s = h.client.startSession();
    s.startTransaction();
    await assert.rejects(db.collection('src').aggregate([{ $merge: 'merged' }], { session: s }).toArray(), (e: MongoServerError) => e.code === 263);
    await s.abortTransaction().catch(() => undefined);
    await s.endSession();
  });

  it('explains with a basic queryPlanner: IXSCAN for an indexed equality or hint, else COLLSCAN', async () => {
    const c = db.collection('src');
    await c.createIndex({ sku: 1 });
    const ix = await c.find({ sku: 'a' }).explain('queryPlanner');
    assert.equal(ix.queryPlanner.namespace, `${db.databaseName}.src`);
    assert.equal(ix.queryPlanner.winningPlan.stage, 'FETCH');
    assert.equal(ix.queryPlanner.winningPlan.inputStage.indexName, 'sku_1');
    const scan = await c.find({ qty: { $gt: 1 } }).explain('queryPlanner');
    assert.equal(scan.queryPlanner.winningPlan.stage, 'COLLSCAN');
    const hinted = await c.find({ qty: { $gt: 1 } }).hint({ sku: 1 }).explain('queryPlanner');
    assert.equal(hinted.queryPlanner.winningPlan.inputStage.stage, 'IXSCAN');
    const agg = await c.aggregate([{ $match: { sku: 'b' } }, { $count: 'n' }]).explain('queryPlanner');
    assert.equal((agg.stages as { $cursor: { queryPlanner: { winningPlan: { stage: string } } } }[])[0].$cursor.queryPlanner.winningPlan.stage, 'FETCH');
    const stats = await c.find({ sku: 'a' }).explain('executionStats');
    assert.equal(stats.executionStats.nReturned, 2);
    assert.equal(stats.executionStats.totalDocsExamined, 2, 'the equality on sku narrowed the scan');
    const all = await c.find({ qty: { $gt: 0 } }).limit(1).explain();
    assert.equal(all.executionStats.nReturned, 1);
    assert.deepEqual(all.executionStats.allPlansExecution, []);
    await assert.rejects(c.aggregate([{ $match: {} }, { $count: 'n' }]).explain('executionStats'), (e: MongoServerError) => e.code === 2 && /not supported by the emulator/.test(e.message));
  });
});
