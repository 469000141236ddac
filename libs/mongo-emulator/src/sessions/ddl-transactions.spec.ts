/**
 * DDL inside transactions (MongoDB ≥ 4.4, issue 19 item 1): a collection or index created in
 * a transaction is invisible to every other session until commit and vanishes on abort;
 * only creation is allowed, with readConcern 'local', and only on collections the
 * transaction created itself.
 */
import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Db, MongoServerError } from 'mongodb';
import { Harness, stillPending, useHarness } from '../spec-helpers';

describe('DDL in transactions', () => {
  let h: Harness;
  let db: Db;
  useHarness((harness, database) => {
    h = harness;
    db = database;
  });

  const names = async () => (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();

  it('keeps a created collection and its index invisible until commit', async () => {
    const s = h.client.startSession();
    s.startTransaction();
    await db.createCollection('made_in_txn', { session: s });
    await db.collection('made_in_txn').createIndex({ sku: 1 }, { unique: true, session: s });
    await db.collection('made_in_txn').insertOne({ sku: 'a' }, { session: s });
    await db.collection('implicit_in_txn').insertOne({ x: 1 }, { session: s });
    assert.deepEqual(await names(), [], 'other sessions see no new collection');
    await assert.rejects(db.collection('made_in_txn').listIndexes().toArray(), (e: MongoServerError) => e.code === 26);
    assert.equal(await db.collection('made_in_txn').countDocuments(), 0);
    // a plain write to the namespace waits for the creating transaction, like mongod's collection lock
    const waiting = db.collection('made_in_txn').insertOne({ sku: 'a' });
    assert.equal(await stillPending(waiting, 150), true);
    await s.commitTransaction();
    await assert.rejects(waiting, (e: MongoServerError) => e.code === 11000, 'the index committed with the collection');
    assert.deepEqual(await names(), ['implicit_in_txn', 'made_in_txn']);
    const indexes = (await db.collection('made_in_txn').listIndexes().toArray()).map((i) => i.name).sort();
    assert.deepEqual(indexes, ['_id_', 'sku_1']);
    await s.endSession();
  });

  it('drops collections and indexes created in a transaction when it aborts', async () => {
    const s = h.client.startSession();
    s.startTransaction();
    await db.createCollection('gone', { session: s });
    await db.collection('gone').createIndex({ k: 1 }, { session: s });
    await db.collection('gone_too').insertOne({ x: 1 }, { session: s });
    await s.abortTransaction();
    const after = await names();
    assert.equal(after.includes('gone'), false);
    assert.equal(after.includes('gone_too'), false);
    await db.createCollection('gone');
    assert.deepEqual((await db.collection('gone').listIndexes().toArray()).map((i) => i.name), ['_id_']);
    await s.endSession();
  });

  it('refuses what MongoDB refuses: indexes on existing collections, other DDL, non-local read concern', async () => {
    await db.collection('existing').insertOne({ a: 1 });
    await db.collection('existing').createIndex({ b: 1 });
    const s = h.client.startSession();
    s.startTransaction();
    await assert.rejects(db.collection('existing').createIndex({ a: 1 }, { session: s }), (e: MongoServerError) => e.code === 263);
    await s.abortTransaction();
    s.startTransaction();
    await db.collection('existing').createIndex({ b: 1 }, { session: s }); // already exists: allowed
    await assert.rejects(db.collection('existing').drop({ session: s }), (e: MongoServerError) => e.code === 263);
    await s.abortTransaction();
    s.startTransaction();
    await assert.rejects(db.createCollection('existing', { session: s }), (e: MongoServerError) => e.code === 48);
    await s.abortTransaction();
    s.startTransaction({ readConcern: { level: 'snapshot' } });
    await assert.rejects(db.createCollection('snap', { session: s }), (e: MongoServerError) => e.code === 72);
    await s.abortTransaction();
    await s.endSession();
  });

  it('makes a second transaction creating the same collection conflict (WriteConflict, retried by withTransaction)', async () => {
    const s1 = h.client.startSession();
    const s2 = h.client.startSession();
    s1.startTransaction();
    s2.startTransaction();
    await db.collection('contended').insertOne({ by: 1 }, { session: s1 });
    await assert.rejects(db.collection('contended').insertOne({ by: 2 }, { session: s2 }), (e: MongoServerError) => {
      assert.equal(e.code, 112);
      assert.ok(e.hasErrorLabel('TransientTransactionError'));
      return true;
    });
    await s1.commitTransaction();
    await s2.abortTransaction().catch(() => undefined);
    assert.deepEqual(await db.collection('contended').find({}, { projection: { _id: 0 } }).toArray(), [{ by: 1 }]);
    await s1.endSession();
    await s2.endSession();
  });
});
