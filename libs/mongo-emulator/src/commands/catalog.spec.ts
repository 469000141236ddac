/**
 * Catalog features and strictness: views, validators (collMod, bypassDocumentValidation),
 * hint validation, collations the emulator cannot reproduce, the 16 MiB document limit.
 */
import { afterAll, beforeAll, describe, it, jest } from '@jest/globals';
import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { MongoServerError } from 'mongodb';
import { Harness, rawCommand, startHarness } from '../spec-helpers';

type Doc = { _id: string | number; [k: string]: any };

describe('catalog and option strictness', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('views: reads run the pipeline over the source; writes fail with CommandNotSupportedOnView (166)', async () => {
    const db = h.client.db(h.dbName());
    await db.collection<Doc>('orders').insertMany([{ _id: 1, status: 'open', amount: 5 }, { _id: 2, status: 'paid', amount: 7 }]);
    await db.createCollection('open_orders', { viewOn: 'orders', pipeline: [{ $match: { status: 'open' } }] });
    const view = db.collection<Doc>('open_orders');
    assert.deepEqual(await view.find().toArray(), [{ _id: 1, status: 'open', amount: 5 }]);
    assert.equal(await view.countDocuments(), 1);
    assert.equal(await view.estimatedDocumentCount(), 1);
    assert.deepEqual(await view.distinct('amount'), [5]);
    await assert.rejects(view.insertOne({ _id: 3 }), (e: MongoServerError) => e.code === 166);
    const infos = await db.listCollections({ name: 'open_orders' }).toArray();
    assert.equal(infos[0].type, 'view');
  });

  it('validators reject invalid documents (121) unless bypassDocumentValidation; collMod changes them', async () => {
    const db = h.client.db(h.dbName());
    await db.createCollection('v', { validator: { qty: { $gte: 0 } } });
    const coll = db.collection<Doc>('v');
    await coll.insertOne({ _id: 1, qty: 1 });
    await assert.rejects(coll.insertOne({ _id: 2, qty: -1 }), (e: MongoServerError) => e.code === 121);
    await assert.rejects(coll.updateOne({ _id: 1 }, { $inc: { qty: -5 } }), (e: MongoServerError) => e.code === 121);
    await coll.insertOne({ _id: 3, qty: -1 }, { bypassDocumentValidation: true });
    await db.command({ collMod: 'v', validator: {} });
    await coll.updateOne({ _id: 1 }, { $inc: { qty: -5 } });
    assert.equal((await coll.findOne({ _id: 1 }))?.qty, -4);
  });

  it('hint must name an existing index; collations Intl cannot reproduce are refused', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('h');
    await coll.insertOne({ _id: 1, a: 1 });
    await coll.createIndex({ a: 1 });
    assert.equal((await coll.find({ a: 1 }, { hint: 'a_1' }).toArray()).length, 1);
    assert.equal((await coll.find({ a: 1 }, { hint: { a: 1 } }).toArray()).length, 1);
    await assert.rejects(coll.find({ a: 1 }, { hint: 'b_1' }).toArray(), (e: MongoServerError) => e.code === 2);
    await assert.rejects(coll.find({ a: 1 }, { collation: { locale: 'en', strength: 4 } }).toArray(), (e: MongoServerError) => e.code === 2 && /collation/.test(e.message));
    assert.equal((await coll.find({ a: 1 }, { collation: { locale: 'en', strength: 2 } }).toArray()).length, 1);
    assert.equal((await coll.find({ a: 1 }, { collation: { locale: 'simple' } }).toArray()).length, 1);
  });

  it('refuses documents over 16 MiB', async () => {
    const db = h.dbName();
    const chunk = 'y'.repeat(9 * 1024 * 1024);
    const ins = await rawCommand(h.emu, { insert: 'big', documents: [{ _id: 1, a: chunk, b: chunk }] }, db);
    assert.equal((ins.writeErrors as Doc[])[0].code, 2);
    await rawCommand(h.emu, { insert: 'big', documents: [{ _id: 1, a: chunk }] }, db);
    const upd = await rawCommand(h.emu, { update: 'big', updates: [{ q: { _id: 1 }, u: { $set: { b: chunk } } }] }, db);
    assert.equal((upd.writeErrors as Doc[])[0].code, 17419);
  });

  it('estimatedDocumentCount and countDocuments({}) answer from the collection count, reading no document', async () => {
    const db = h.client.db(h.dbName());
    const coll = db.collection<Doc>('n');
    await coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    await coll.deleteOne({ _id: 2 });
    await coll.updateOne({ _id: 1 }, { $set: { a: 1 } });
    await coll.updateOne({ _id: 4 }, { $set: { a: 1 } }, { upsert: true });
    const session = h.client.startSession();
    await session.withTransaction(async () => {
      await coll.insertOne({ _id: 5 }, { session });
      await coll.deleteOne({ _id: 3 }, { session });
      assert.equal(await coll.countDocuments({}, { session }), 3, 'the transaction counts its own writes');
    });
    await session.endSession();
    await db.renameCollection('n', 'm');
    assert.equal(await db.collection('m').countDocuments({}, { skip: 1, limit: 1 }), 1);
    const rows = jest.spyOn(h.emu.server.engine, 'rows');
    try {
      const renamed = db.collection<Doc>('m');
      assert.equal(await renamed.estimatedDocumentCount(), 3);
      assert.equal(await renamed.countDocuments({}), 3);
      assert.equal(await db.collection('absent').estimatedDocumentCount(), 0);
      assert.equal(rows.mock.calls.length, 0);
    } finally {
      rows.mockRestore();
    }
  });

  it('a catalog change enters the commit log when it happens: a write that follows it is never logged (journaled) before it', async () => {
    const db = h.dbName();
    const logged: string[] = [];
    const stop = h.emu.server.engine.log.subscribe((entry) => {
      for (const c of entry.changes) logged.push(c.kind === 'catalog' ? `${Object.keys(c.command)[0]} ${c.db}` : `doc ${c.coll.ns}`);
    });
    try {
      const conn = { id: 0, socket: new Socket(), closed: false };
      // started together: the insert runs in the microtasks right after create made the
      // collection, before create's reply is built
      const created = h.emu.server.execute({ create: 'v', validator: { qty: { $gte: 0 } } }, db, conn);
      const inserted = h.emu.server.execute({ insert: 'v', documents: [{ _id: 1, qty: 1 }] }, db, conn);
      assert.equal(((await created) as Record<string, unknown>).ok, 1);
      assert.equal(((await inserted) as Record<string, unknown>).ok, 1);
      // replaying the insert first would create the collection without its validator
      assert.deepEqual(logged, [`create ${db}`, `doc ${db}.v`]);
    } finally {
      stop();
    }
  });
});

describe('command parsing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('rejects unknown fields of CRUD commands like mongod (40415), before executing anything', async () => {
    const db = h.dbName();
    const f = await rawCommand(h.emu, { find: 'c', fitler: { a: 1 } }, db);
    assert.equal(f.code, 40415);
    assert.equal(f.errmsg, "BSON field 'find.fitler' is an unknown field.");
    const u = await rawCommand(h.emu, { update: 'c', updates: [{ q: {}, u: { $set: { a: 1 } }, upsert: true }, { q: {}, u: {}, mutli: true }] }, db);
    assert.equal(u.code, 40415);
    assert.equal(await h.client.db(db).collection('c').countDocuments(), 0, 'nothing executed');
  });
});
