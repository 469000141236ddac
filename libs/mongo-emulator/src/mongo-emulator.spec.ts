/**
 * The emulator as the driver and mongoose see it: handshake, replica-set identity, reply
 * shapes, cursors, catalog commands, mongoose model lifecycle, and clean shutdown.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { connect as rawConnect } from 'node:net';
import { Long, MongoClient, MongoServerError } from 'mongodb';
import mongoose from 'mongoose';
import { MongoEmulator } from './mongo-emulator';
import { Harness, startHarness } from './spec-helpers';

describe(MongoEmulator.name, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('presents itself as the primary of a single-member replica set (MongoDB 7.0, wire version 21)', async () => {
    const hello = await h.client.db('admin').command({ hello: 1 });
    assert.equal(hello.isWritablePrimary, true);
    assert.equal(hello.secondary, false);
    assert.equal(hello.setName, 'rs0');
    assert.deepEqual(hello.hosts, [h.emu.address]);
    assert.equal(hello.primary, h.emu.address);
    assert.equal(hello.me, h.emu.address);
    assert.equal(hello.maxWireVersion, 21);
    assert.equal(hello.logicalSessionTimeoutMinutes, 30);
    assert.equal(hello.topologyVersion, undefined, 'no streaming hello: the driver polls');
    assert.ok(hello.operationTime);
    assert.ok(hello.$clusterTime?.clusterTime);
    const legacy = await h.client.db('admin').command({ isMaster: 1 });
    assert.equal(legacy.ismaster, true);
    const info = await h.client.db('admin').command({ buildInfo: 1 });
    assert.match(info.version, /^7\.0\./);
    assert.equal(h.emu.uri, `mongodb://${h.emu.address}/?replicaSet=rs0`);
  });

  it('accepts directConnection=true too', async () => {
    const c = await MongoClient.connect(`mongodb://${h.emu.address}/?directConnection=true`);
    assert.equal((await c.db('admin').command({ ping: 1 })).ok, 1);
    await c.close();
  });

  it('answers an unknown command with CommandNotFound (59)', async () => {
    await assert.rejects(h.client.db('admin').command({ frobnicate: 1 }), (e: MongoServerError) => {
      assert.equal(e.code, 59);
      assert.equal(e.codeName, 'CommandNotFound');
      assert.match(e.message, /no such command: 'frobnicate'/);
      return true;
    });
  });

  it('serves results through int64 cursor ids with getMore and killCursors', async () => {
    const db = h.client.db(h.dbName());
    await db.collection<{ _id: number }>('c').insertMany(Array.from({ length: 25 }, (_, i) => ({ _id: i })));
    const session = h.client.startSession();
    const first = await db.command({ find: 'c', batchSize: 10, sort: { _id: 1 } }, { session });
    assert.ok(first.cursor.id instanceof Long);
    assert.equal(first.cursor.firstBatch.length, 10);
    assert.equal(first.cursor.ns, `${db.databaseName}.c`);
    const more = await db.command({ getMore: first.cursor.id, collection: 'c', batchSize: 10 }, { session });
    assert.equal(more.cursor.nextBatch[0]._id, 10);
    const killed = await db.command({ killCursors: 'c', cursors: [first.cursor.id] }, { session });
    assert.equal(killed.cursorsKilled.length, 1);
    await assert.rejects(db.command({ getMore: first.cursor.id, collection: 'c' }, { session }), (e: MongoServerError) => e.code === 43);
    await session.endSession();
    const all = await db.collection('c').find({}, { batchSize: 7 }).toArray();
    assert.equal(all.length, 25);
  });

  it('keeps BSON types round-trip (int, long, double, decimal, ObjectId, Date, binary)', async () => {
    const coll = h.client.db(h.dbName()).collection('types');
    const { Decimal128, Double, Int32, ObjectId, Binary } = await import('bson');
    const doc = { _id: new ObjectId(), i: new Int32(1), l: Long.fromString('9007199254740993'), d: new Double(2), dec: Decimal128.fromString('1.10'), when: new Date(5), bin: new Binary(Buffer.from('hi')) };
    await coll.insertOne(doc);
    const back = await coll.findOne({ _id: doc._id }, { promoteValues: false, promoteLongs: false });
    assert.ok(back);
    assert.equal(back.i._bsontype, 'Int32');
    assert.equal(back.l.toString(), '9007199254740993');
    assert.equal(back.d._bsontype, 'Double');
    assert.equal(back.dec.toString(), '1.10');
    assert.deepEqual(back.when, new Date(5));
    assert.equal(await coll.countDocuments({ d: { $type: 'double' }, i: { $type: 'int' }, l: { $type: 'long' } }), 1);
  });

  it('writes batches with ordered and unordered writeErrors as mongod does', async () => {
    const coll = h.client.db(h.dbName()).collection<{ _id: number }>('w');
    await coll.insertOne({ _id: 1 });
    const ordered = await h.client.db(coll.dbName).command({ insert: 'w', documents: [{ _id: 2 }, { _id: 1 }, { _id: 3 }] });
    assert.equal(ordered.n, 1);
    assert.equal(ordered.writeErrors.length, 1);
    assert.equal(ordered.writeErrors[0].index, 1);
    assert.equal(ordered.writeErrors[0].code, 11000);
    const unordered = await h.client.db(coll.dbName).command({ insert: 'w', documents: [{ _id: 1 }, { _id: 4 }, { _id: 2 }], ordered: false });
    assert.equal(unordered.n, 1);
    assert.deepEqual(unordered.writeErrors.map((e: { index: number }) => e.index), [0, 2]);
    const upd = await h.client.db(coll.dbName).command({ update: 'w', updates: [{ q: { _id: 1 }, u: { $inc: { x: 'a' } } }, { q: { _id: 9 }, u: { $set: { y: 1 } }, upsert: true }], ordered: false });
    assert.equal(upd.writeErrors[0].code, 14);
    assert.deepEqual(upd.upserted, [{ index: 1, _id: 9 }]);
  });

  it('supports the catalog commands mongoose uses (create, createIndexes, listIndexes, listCollections, drop)', async () => {
    const db = h.client.db(h.dbName());
    await db.createCollection('a');
    await assert.rejects(db.createCollection('a'), (e: MongoServerError) => e.code === 48);
    await db.collection('a').createIndex({ x: 1, y: -1 }, { name: 'xy' });
    const names = (await db.collection('a').listIndexes().toArray()).map((i) => i.name);
    assert.deepEqual(names, ['_id_', 'xy']);
    assert.deepEqual((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name), ['a']);
    await db.collection('a').dropIndex('xy');
    await assert.rejects(db.collection('a').dropIndex('xy'), (e: MongoServerError) => e.code === 27);
    await assert.rejects(db.collection('nope').listIndexes().toArray(), (e: MongoServerError) => e.code === 26);
    assert.equal(await db.collection('a').drop(), true);
    const dbs = await h.client.db('admin').admin().listDatabases();
    assert.ok(Array.isArray(dbs.databases));
  });

  it('works for mongoose: Model.init, create, find, update, countDocuments (aggregate), syncIndexes', async () => {
    const conn = await mongoose.createConnection(h.emu.uri, { dbName: h.dbName() }).asPromise();
    const Item = conn.model('Item', new mongoose.Schema({ sku: { type: String, unique: true }, qty: { type: Number, min: 0 }, tags: [String] }));
    await Item.init();
    await Item.create([{ sku: 'a', qty: 5 }, { sku: 'b', qty: 1, tags: ['x'] }]);
    const r = await Item.updateOne({ sku: 'a', qty: { $gte: 3 } }, { $inc: { qty: -3 } });
    assert.equal(r.modifiedCount, 1);
    assert.equal((await Item.findOne({ sku: 'a' }).lean())?.qty, 2);
    assert.equal(await Item.countDocuments({ tags: 'x' }), 1);
    const dropped = await Item.syncIndexes();
    assert.deepEqual(dropped, []);
    await assert.rejects(Item.create({ sku: 'a', qty: 1 }), (e: { code?: number; keyValue?: unknown; keyPattern?: unknown }) => {
      assert.equal(e.code, 11000);
      assert.deepEqual(e.keyValue, { sku: 'a' });
      assert.deepEqual(e.keyPattern, { sku: 1 });
      return true;
    });
    const session = await conn.startSession();
    await session.withTransaction(async () => {
      await Item.updateOne({ sku: 'b' }, { $inc: { qty: 1 } }, { session });
      await Item.create([{ sku: 'c', qty: 1 }], { session });
    });
    await session.endSession();
    assert.equal(await Item.countDocuments(), 3);
    await conn.close();
  });

  it('answers the legacy OP_QUERY isMaster handshake with OP_REPLY', async () => {
    const { BSON } = await import('bson');
    const body = BSON.serialize({ isMaster: 1, helloOk: true });
    const ns = Buffer.from('admin.$cmd\0');
    const msg = Buffer.alloc(16 + 4 + ns.length + 8 + body.length);
    msg.writeInt32LE(msg.length, 0);
    msg.writeInt32LE(7, 4);
    msg.writeInt32LE(0, 8);
    msg.writeInt32LE(2004, 12);
    msg.writeInt32LE(0, 16);
    ns.copy(msg, 20);
    msg.writeInt32LE(0, 20 + ns.length);
    msg.writeInt32LE(-1, 24 + ns.length);
    Buffer.from(body).copy(msg, 28 + ns.length);
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const s = rawConnect(h.emu.port, '127.0.0.1', () => s.write(msg));
      let buf = Buffer.alloc(0);
      s.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 4 && buf.length >= buf.readInt32LE(0)) {
          s.destroy();
          resolve(buf);
        }
      });
      s.on('error', reject);
    });
    assert.equal(reply.readInt32LE(12), 1, 'OP_REPLY');
    assert.equal(reply.readInt32LE(8), 7, 'responseTo');
    const doc = BSON.deserialize(reply.subarray(36));
    assert.equal(doc.ismaster, true);
    assert.equal(doc.helloOk, true);
  });

  it('stop() closes connections so clients see errors and the process can exit', async () => {
    const emu = await MongoEmulator.start();
    const c = await MongoClient.connect(emu.uri, { serverSelectionTimeoutMS: 500 });
    await c.db('x').collection('y').insertOne({ a: 1 });
    await emu.stop();
    await assert.rejects(c.db('x').collection('y').findOne({}));
    await c.close();
  });
});
