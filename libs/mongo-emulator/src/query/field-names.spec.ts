/**
 * Corners real clients hit in queries and updates (issue 19, items 3–6), through the driver:
 * empty update operators, field names that exist on Object.prototype, DBRef field names,
 * and the bit-test operators over BinData.
 */
import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Binary, Db, DBRef, Long, MongoServerError, ObjectId } from 'mongodb';
import { useHarness } from '../spec-helpers';

describe('query and update corners', () => {
  let db: Db;
  useHarness((_h, database) => {
    db = database;
  });

  describe('empty update operators (MongoDB ≥ 5.0)', () => {
    it('treats {$set: {}} and friends as a no-op instead of FailedToParse', async () => {
      const c = db.collection('empty_ops');
      await c.insertOne({ _id: 1, a: 1 } as never);
      const r = await c.updateOne({ _id: 1 } as never, { $set: {}, $unset: {}, $inc: {} });
      assert.equal(r.matchedCount, 1);
      assert.equal(r.modifiedCount, 0);
      const both = await c.updateOne({ _id: 1 } as never, { $set: {}, $inc: { a: 1 } });
      assert.equal(both.modifiedCount, 1);
      assert.deepEqual(await c.findOne({ _id: 1 } as never), { _id: 1, a: 2 });
      const up = await c.updateOne({ _id: 2 } as never, { $set: {} }, { upsert: true });
      assert.equal(up.upsertedId, 2);
      assert.deepEqual(await c.findOne({ _id: 2 } as never), { _id: 2 });
    });
  });

  describe('field names that exist on Object.prototype', () => {
    it('$set through toString / constructor paths creates plain fields', async () => {
      const c = db.collection('proto');
      await c.insertOne({ _id: 1 } as never);
      await c.updateOne({ _id: 1 } as never, { $set: { 'toString.x': 1, 'hasOwnProperty.y': 2, valueOf: 3 } });
      assert.deepEqual(await c.findOne({ _id: 1 } as never), { _id: 1, hasOwnProperty: { y: 2 }, toString: { x: 1 }, valueOf: 3 });
      assert.equal(await c.countDocuments({ 'toString.x': 1 }), 1);
      assert.equal(await c.countDocuments({ constructor: { $exists: true } }), 0, 'an inherited member is not a field');
      assert.equal(await c.countDocuments({ 'constructor.name': 'Object' }), 0);
    });

    it('$rename to constructor.polluted moves the value into a plain subdocument', async () => {
      const c = db.collection('proto_rename');
      await c.insertOne({ _id: 1, a: 'v' } as never);
      await c.updateOne({ _id: 1 } as never, { $rename: { a: 'constructor.polluted' } });
      assert.deepEqual(await c.findOne({ _id: 1 } as never), { _id: 1, constructor: { polluted: 'v' } });
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal((Object as unknown as Record<string, unknown>).polluted, undefined);
    });

    it('keeps a __proto__ key as data in inserts, $set, replacements, upserts and projections', async () => {
      const c = db.collection('proto_key');
      const withProto = JSON.parse('{"__proto__": "abcd", "k": 1}') as Record<string, unknown>;
      await c.insertOne({ _id: 1, doc: withProto } as never);
      await c.updateOne({ _id: 1 } as never, { $set: { path1: JSON.parse('{"__proto__": "abcd"}') } });
      const got = (await c.findOne({ _id: 1 } as never)) as Record<string, Record<string, unknown>>;
      assert.ok(Object.prototype.hasOwnProperty.call(got.path1, '__proto__'), 'the key survives');
      assert.equal(Object.getOwnPropertyDescriptor(got.path1, '__proto__')?.value, 'abcd');
      assert.equal(Object.getOwnPropertyDescriptor(got.doc, '__proto__')?.value, 'abcd');
      assert.equal(await c.countDocuments({ 'path1.__proto__': 'abcd' }), 1);
      assert.equal(await c.countDocuments({ 'k.__proto__': { $exists: true } }), 0, 'no field named __proto__ was set on k');
      const projected = (await c.findOne({ _id: 1 } as never, { projection: { 'path1.__proto__': 1 } })) as Record<string, Record<string, unknown>>;
      assert.equal(Object.getOwnPropertyDescriptor(projected.path1, '__proto__')?.value, 'abcd');
      await c.updateOne({ _id: 2 } as never, { $set: { x: 1 } }, { upsert: true });
      await c.replaceOne({ _id: 2 } as never, JSON.parse('{"__proto__": {"polluted": 1}}'));
      const replaced = (await c.findOne({ _id: 2 } as never)) as Record<string, unknown>;
      assert.deepEqual(Object.getOwnPropertyDescriptor(replaced, '__proto__')?.value, { polluted: 1 });
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was touched');
    });

    it('keeps __proto__ as a field through aggregation ($group, $facet, $mergeObjects, $getField)', async () => {
      const c = db.collection('proto_agg');
      await c.insertOne({ _id: 1, o: JSON.parse('{"__proto__": 7}') } as never);
      const [row] = await c
        .aggregate([
          { $group: JSON.parse('{"_id": null, "__proto__": {"$sum": 1}}') },
          { $project: { _id: 0, merged: { $mergeObjects: [{ a: 1 }, JSON.parse('{"__proto__": 2}')] }, n: '$__proto__' } },
        ])
        .toArray();
      assert.equal(row.n, 1);
      assert.equal(Object.getOwnPropertyDescriptor(row.merged, '__proto__')?.value, 2);
      const [f] = await c.aggregate([{ $facet: JSON.parse('{"__proto__": [{"$count": "n"}]}') }, { $project: { x: '$__proto__' } }]).toArray();
      assert.deepEqual(f.x, [{ n: 1 }]);
      const [g] = await c.aggregate([{ $project: { v: { $getField: { field: '__proto__', input: '$o' } }, w: { $getField: { field: 'toString', input: '$o' } } } }]).toArray();
      assert.equal(g.v, 7);
      assert.equal(g.w, undefined);
    });
  });

  describe('DBRef fields', () => {
    it('matches $id, $ref and $db as field names, also inside $elemMatch', async () => {
      const c = db.collection('dbrefs');
      const a = new ObjectId();
      const b = new ObjectId();
      await c.insertMany([
        { _id: 1, one: new DBRef('users', a), many: [new DBRef('users', a), new DBRef('orgs', b, 'other')] },
        { _id: 2, one: new DBRef('users', b), many: [new DBRef('orgs', a)] },
      ] as never[]);
      assert.deepEqual((await c.find({ 'one.$id': a }).toArray()).map((d) => d._id), [1]);
      assert.deepEqual((await c.find({ 'one.$ref': 'users' }).toArray()).map((d) => d._id), [1, 2]);
      assert.deepEqual((await c.find({ 'many.$db': 'other' }).toArray()).map((d) => d._id), [1]);
      assert.deepEqual((await c.find({ many: { $elemMatch: { $ref: 'orgs', $id: a } } }).toArray()).map((d) => d._id), [2]);
      assert.deepEqual((await c.find({ one: new DBRef('users', b) }).toArray()).map((d) => d._id), [2]);
      const doc = await c.findOne({ _id: 1 } as never);
      assert.ok(doc?.one instanceof DBRef, 'stored as the same document, returned as a DBRef by the driver');
      assert.equal((doc.one as DBRef).oid.toHexString(), a.toHexString());
    });
  });

  describe('$bits* operators', () => {
    it('test BinData values and accept BinData masks', async () => {
      const c = db.collection('bits');
      await c.insertMany([
        { _id: 1, v: new Binary(Buffer.from([0b00000101, 0b10000000])) },
        { _id: 2, v: 5 },
        { _id: 3, v: Long.fromNumber(-1) },
        { _id: 4, v: 'x' },
        { _id: 5, v: 2.5 },
      ] as never[]);
      const ids = async (f: object) => (await c.find(f).toArray()).map((d) => d._id);
      assert.deepEqual(await ids({ v: { $bitsAllSet: [0, 2] } }), [1, 2, 3]);
      assert.deepEqual(await ids({ v: { $bitsAllSet: [15] } }), [1, 3]);
      assert.deepEqual(await ids({ v: { $bitsAllSet: [200] } }), [3], 'negative numbers are sign-extended; BinData beyond its length is clear');
      assert.deepEqual(await ids({ v: { $bitsAnySet: new Binary(Buffer.from([0b00000010])) } }), [3]);
      assert.deepEqual(await ids({ v: { $bitsAllSet: new Binary(Buffer.from([0b00000101])) } }), [1, 2, 3]);
      assert.deepEqual(await ids({ v: { $bitsAllClear: new Binary(Buffer.from([0b00000010])) } }), [1, 2]);
      assert.deepEqual(await ids({ v: { $bitsAnyClear: 5 } }), []);
      await assert.rejects(c.find({ v: { $bitsAllSet: 'x' } }).toArray(), (e: MongoServerError) => e.code === 2);
      await assert.rejects(c.find({ v: { $bitsAllSet: [-1] } }).toArray(), (e: MongoServerError) => e.code === 2);
    });
  });
});
