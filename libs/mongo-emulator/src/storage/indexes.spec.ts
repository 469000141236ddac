/**
 * Secondary indexes: unique (single, compound, multikey), sparse, partial, TTL expiry, and
 * the DuplicateKey error shape as the driver and mongoose surface it.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import mongoose from 'mongoose';
import { Harness, sleep, startHarness } from '../spec-helpers';

type Doc = { _id: string | number; [k: string]: any };

describe('indexes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ttlMonitorIntervalMS: 100 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('DuplicateKey has code 11000, keyPattern, keyValue and mongod\'s errmsg', async () => {
    const db = h.client.db(h.dbName());
    const coll = db.collection<Doc>('u');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ _id: 1, email: 'a@x' });
    await assert.rejects(coll.insertOne({ _id: 2, email: 'a@x' }), (e: MongoServerError) => {
      assert.equal(e.code, 11000);
      assert.deepEqual(e.keyPattern, { email: 1 });
      assert.deepEqual(e.keyValue, { email: 'a@x' });
      assert.equal(e.message, `E11000 duplicate key error collection: ${db.databaseName}.u index: email_1 dup key: { email: "a@x" }`);
      return true;
    });
    await assert.rejects(coll.insertOne({ _id: 1, email: 'b@x' }), (e: MongoServerError) => {
      assert.deepEqual(e.keyPattern, { _id: 1 });
      assert.match(e.message, /index: _id_ dup key: \{ _id: 1 \}/);
      return true;
    });
    await assert.rejects(coll.updateOne({ _id: 1 }, { $set: { email: 'a@x', n: 1 } }).then(() => coll.insertOne({ _id: 3, email: 'c@x' })).then(() => coll.updateOne({ _id: 3 }, { $set: { email: 'a@x' } })), (e: MongoServerError) => e.code === 11000);
    await assert.rejects(coll.findOneAndUpdate({ _id: 4 }, { $set: { email: 'a@x' } }, { upsert: true }), (e: MongoServerError) => e.code === 11000 && (e.keyValue as Doc).email === 'a@x');
    await assert.rejects(coll.insertMany([{ _id: 10, email: 'z' }, { _id: 11, email: 'z' }, { _id: 12, email: 'y' }], { ordered: false }), (e: MongoBulkWriteError) => {
      assert.equal(e.code, 11000);
      assert.equal(e.writeErrors instanceof Array ? e.writeErrors.length : 1, 1);
      assert.equal(e.insertedCount, 2);
      return true;
    });
  });

  it('compound and multikey unique indexes', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('c');
    await coll.createIndex({ tenant: 1, number: 1 }, { unique: true });
    await coll.insertOne({ _id: 1, tenant: 't1', number: 1 });
    await coll.insertOne({ _id: 2, tenant: 't2', number: 1 });
    await assert.rejects(coll.insertOne({ _id: 3, tenant: 't1', number: 1 }), (e: MongoServerError) => {
      assert.deepEqual(e.keyValue, { tenant: 't1', number: 1 });
      return true;
    });
    const tags = h.client.db(h.dbName()).collection<Doc>('tags');
    await tags.createIndex({ tags: 1 }, { unique: true });
    await tags.insertOne({ _id: 1, tags: ['a', 'b'] });
    await assert.rejects(tags.insertOne({ _id: 2, tags: ['c', 'b'] }), (e: MongoServerError) => e.code === 11000);
    await tags.insertOne({ _id: 3, tags: ['c'] });
  });

  it('a unique index without sparse treats missing as null; sparse skips documents without the field', async () => {
    const db = h.client.db(h.dbName());
    const dense = db.collection<Doc>('dense');
    await dense.createIndex({ code: 1 }, { unique: true });
    await dense.insertOne({ _id: 1 });
    await assert.rejects(dense.insertOne({ _id: 2 }), (e: MongoServerError) => e.code === 11000 && (e.keyValue as Doc).code === null);
    const sparse = db.collection<Doc>('sparse');
    await sparse.createIndex({ code: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3, code: 'x' }]);
    await assert.rejects(sparse.insertOne({ _id: 4, code: 'x' }), (e: MongoServerError) => e.code === 11000);
  });

  it('a partial unique index only constrains documents matching partialFilterExpression', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('p');
    await coll.createIndex({ sku: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await coll.insertMany([{ _id: 1, sku: 's', active: false }, { _id: 2, sku: 's', active: false }, { _id: 3, sku: 's', active: true }]);
    await assert.rejects(coll.insertOne({ _id: 4, sku: 's', active: true }), (e: MongoServerError) => e.code === 11000);
    await assert.rejects(coll.updateOne({ _id: 1 }, { $set: { active: true } }), (e: MongoServerError) => e.code === 11000);
    await coll.updateOne({ _id: 3 }, { $set: { active: false } });
    await coll.updateOne({ _id: 1 }, { $set: { active: true } });
    const specs = await coll.listIndexes().toArray();
    assert.deepEqual(specs[1].partialFilterExpression, { active: true });
  });

  it('building a unique index over existing duplicates fails with DuplicateKey; index option conflicts are reported', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('b');
    await coll.insertMany([{ _id: 1, a: 1 }, { _id: 2, a: 1 }]);
    await assert.rejects(coll.createIndex({ a: 1 }, { unique: true }), (e: MongoServerError) => e.code === 11000);
    await coll.createIndex({ a: 1 }, { name: 'a_plain' });
    await assert.rejects(coll.createIndex({ b: 1 }, { name: 'a_plain' }), (e: MongoServerError) => e.code === 86);
    await assert.rejects(coll.createIndex({ a: 1 }, { name: 'a_other' }), (e: MongoServerError) => e.code === 85);
    assert.equal(await coll.createIndex({ a: 1 }, { name: 'a_plain' }), 'a_plain');
  });

  it('TTL indexes expire documents in the background (like mongod\'s TTL monitor)', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('ttl');
    await coll.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await coll.createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 });
    await coll.insertMany([
      { _id: 'past', expiresAt: new Date(Date.now() - 1000) },
      { _id: 'soon', expiresAt: new Date(Date.now() + 150) },
      { _id: 'future', expiresAt: new Date(Date.now() + 60_000) },
      { _id: 'fresh', createdAt: new Date() },
      { _id: 'not-a-date', expiresAt: 'tomorrow' },
    ]);
    await sleep(500);
    assert.deepEqual((await coll.find({}, { sort: { _id: 1 } }).toArray()).map((d) => d._id), ['fresh', 'future', 'not-a-date']);
  });

  it('mongoose surfaces the duplicate key as MongoServerError 11000 with keyValue', async () => {
    const conn = await mongoose.createConnection(h.emu.uri, { dbName: h.dbName() }).asPromise();
    const User = conn.model('User', new mongoose.Schema({ tenantId: String, email: String }).index({ tenantId: 1, email: 1 }, { unique: true }));
    await User.init();
    await User.create({ tenantId: 't', email: 'e' });
    const err = await User.create({ tenantId: 't', email: 'e' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof mongoose.mongo.MongoServerError);
    assert.equal(err.code, 11000);
    assert.deepEqual(err.keyValue, { tenantId: 't', email: 'e' });
    assert.deepEqual(err.keyPattern, { tenantId: 1, email: 1 });
    await conn.close();
  });
});
