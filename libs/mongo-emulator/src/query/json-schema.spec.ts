/**
 * `$jsonSchema` in collection validators (with validationLevel and validationAction) and in
 * queries (issue 19 item 12), through the driver.
 */
import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Db, Int32, MongoServerError } from 'mongodb';
import { useHarness } from '../spec-helpers';

const schema = {
  bsonType: 'object',
  required: ['name', 'qty'],
  additionalProperties: false,
  properties: {
    _id: {},
    name: { bsonType: 'string', minLength: 2, pattern: '^[a-z]+$' },
    qty: { bsonType: 'int', minimum: 0 },
    tags: { type: 'array', items: { enum: ['x', 'y'] }, uniqueItems: true, maxItems: 2 },
    price: { bsonType: ['double', 'decimal', 'int'], exclusiveMinimum: true, minimum: 0 },
  },
};

describe('$jsonSchema', () => {
  let db: Db;
  useHarness((_h, database) => {
    db = database;
  });

  it('validates inserts and updates against a collection validator', async () => {
    const c = await db.createCollection('items', { validator: { $jsonSchema: schema } });
    await c.insertOne({ name: 'ab', qty: new Int32(1), tags: ['x'], price: 2.5 });
    const bad = [
      { name: 'ab' },
      { name: 'a', qty: new Int32(1) },
      { name: 'AB', qty: new Int32(1) },
      { name: 'ab', qty: new Int32(-1) },
      { name: 'ab', qty: 1.5 },
      { name: 'ab', qty: new Int32(1), tags: ['x', 'x'] },
      { name: 'ab', qty: new Int32(1), tags: ['z'] },
      { name: 'ab', qty: new Int32(1), price: 0 },
      { name: 'ab', qty: new Int32(1), extra: true },
    ];
    for (const doc of bad) {
      await assert.rejects(c.insertOne(doc), (e: MongoServerError) => e.code === 121, JSON.stringify(doc));
    }
    await assert.rejects(c.updateOne({ name: 'ab' }, { $set: { qty: new Int32(-5) } }), (e: MongoServerError) => e.code === 121);
    await c.insertOne({ name: 'zz', qty: new Int32(-1) } as never, { bypassDocumentValidation: true });
    assert.equal(await c.countDocuments(), 2);
  });

  it('honours validationLevel moderate and validationAction warn, and refuses bad enumerations', async () => {
    const c = await db.createCollection('loose', { validator: { $jsonSchema: { required: ['a'] } } });
    await c.insertOne({ a: 1 });
    await db.command({ collMod: 'loose', validator: { $jsonSchema: { required: ['a'] } }, validationLevel: 'moderate' });
    await c.insertOne({ b: 1 }, { bypassDocumentValidation: true });
    await c.updateOne({ b: 1 }, { $set: { c: 1 } }); // already invalid: moderate lets it through
    await assert.rejects(c.updateOne({ a: 1 }, { $unset: { a: 1 } }), (e: MongoServerError) => e.code === 121);
    await db.command({ collMod: 'loose', validationAction: 'warn' });
    await c.insertOne({ nothing: true });
    await assert.rejects(db.command({ collMod: 'loose', validationLevel: 'sometimes' }), (e: MongoServerError) => e.code === 2);
  });

  it('filters queries, and refuses keywords MongoDB does not support', async () => {
    const c = db.collection('mixed');
    await c.insertMany([{ _id: 1, v: 'x' }, { _id: 2, v: 5 }, { _id: 3 }, { _id: 4, v: [1, 2] }] as never[]);
    const ids = async (s: object) => (await c.find({ $jsonSchema: s }).toArray()).map((d) => d._id);
    assert.deepEqual(await ids({ properties: { v: { type: 'number' } } }), [2, 3], 'absent fields satisfy properties');
    assert.deepEqual(await ids({ required: ['v'], properties: { v: { minimum: 3 } } }), [1, 2, 4], 'minimum only constrains numbers');
    assert.deepEqual(await ids({ properties: { v: { not: { bsonType: 'array' } } } }), [1, 2, 3]);
    assert.deepEqual(await ids({ anyOf: [{ required: ['v'], properties: { v: { type: 'string' } } }, { not: { required: ['v'] } }] }), [1, 3]);
    await assert.rejects(c.find({ $jsonSchema: { format: 'email' } }).toArray(), (e: MongoServerError) => e.code === 9);
    await assert.rejects(c.find({ $jsonSchema: { type: 'integer' } }).toArray(), (e: MongoServerError) => e.code === 9);
    await assert.rejects(c.find({ $jsonSchema: { frobnicate: 1 } }).toArray(), (e: MongoServerError) => e.code === 9);
  });
});
