/**
 * Collations through the driver: locale comparison in filters, sorts, distinct, counts,
 * aggregation and writes; collated unique indexes (case-insensitive emails); a collection's
 * default collation; and refusal of what Intl.Collator cannot reproduce.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { MongoServerError } from 'mongodb';
import { Harness, startHarness } from '../spec-helpers';
import { Collation } from './collation';

type Doc = { _id: number; [k: string]: any };

const ci = { locale: 'en', strength: 2 };

describe(Collation.name, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function words() {
    const coll = h.client.db(h.dbName()).collection<Doc>('w');
    await coll.insertMany([
      { _id: 1, w: 'apple' },
      { _id: 2, w: 'Apple' },
      { _id: 3, w: 'Äpple' },
      { _id: 4, w: 'banana' },
      { _id: 5, w: 'Banana' },
      { _id: 6, w: 7 },
    ]);
    return coll;
  }

  it('compares strings by locale and strength in filters, sorts, distinct and counts', async () => {
    const coll = await words();
    const ids = (docs: Doc[]) => docs.map((d) => d._id);
    assert.deepEqual(ids(await coll.find({ w: 'APPLE' }, { collation: ci }).toArray()), [1, 2]);
    assert.deepEqual(ids(await coll.find({ w: 'APPLE' }, { collation: { locale: 'en', strength: 1 } }).toArray()), [1, 2, 3]);
    assert.deepEqual(ids(await coll.find({ w: 'APPLE' }).toArray()), [], 'without a collation comparison stays binary');
    assert.deepEqual(ids(await coll.find({ w: { $in: ['BANANA'] } }, { collation: ci }).toArray()), [4, 5]);
    assert.deepEqual(ids(await coll.find({ w: { $gt: 'b' } }, { collation: ci }).toArray()), [4, 5]);
    assert.deepEqual(ids(await coll.find({ w: { $gt: 'b' } }).toArray()), [3, 4], "binary: 'Banana' < 'b' < 'banana' < 'Äpple'");
    assert.deepEqual(ids(await coll.find({ w: { $type: 'string' } }).sort({ w: 1, _id: 1 }).collation({ locale: 'en' }).toArray()), [1, 2, 3, 4, 5]);
    assert.deepEqual(ids(await coll.find({ w: { $type: 'string' } }).sort({ w: 1, _id: 1 }).toArray()), [2, 5, 1, 4, 3]);
    assert.deepEqual(ids(await coll.find({ w: { $type: 'string' } }).sort({ w: 1 }).collation({ locale: 'en', caseFirst: 'upper' }).toArray()), [2, 1, 3, 5, 4]);
    assert.deepEqual(await coll.distinct('w', {}, { collation: ci }), [7, 'apple', 'Äpple', 'banana']);
    assert.equal(await coll.countDocuments({ w: 'banana' }, { collation: ci }), 2);
    assert.equal(await coll.countDocuments({ w: 'banana' }), 1);
    const grouped = await coll.aggregate([{ $match: { w: { $type: 'string' } } }, { $group: { _id: '$w', n: { $sum: 1 } } }, { $sort: { _id: 1 } }], { collation: ci }).toArray();
    assert.deepEqual(grouped, [{ _id: 'apple', n: 2 }, { _id: 'Äpple', n: 1 }, { _id: 'banana', n: 2 }]);
  });

  it('numericOrdering sorts digit runs by value', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('n');
    await coll.insertMany([{ _id: 1, v: 'item10' }, { _id: 2, v: 'item9' }, { _id: 3, v: 'item100' }]);
    const sorted = await coll.find().sort({ v: 1 }).collation({ locale: 'en', numericOrdering: true }).toArray();
    assert.deepEqual(sorted.map((d) => d.v), ['item9', 'item10', 'item100']);
  });

  it('applies to update, delete and findAndModify filters', async () => {
    const coll = await words();
    const upd = await coll.updateMany({ w: 'APPLE' }, { $set: { hit: true } }, { collation: ci });
    assert.equal(upd.modifiedCount, 2);
    const fam = await coll.findOneAndUpdate({ w: 'BANANA' }, { $set: { hit: true } }, { collation: ci, sort: { _id: -1 } });
    assert.equal(fam?._id, 5);
    const del = await coll.deleteMany({ w: 'banana' }, { collation: { locale: 'en', strength: 1 } });
    assert.equal(del.deletedCount, 2);
  });

  it('a unique index with a case-insensitive collation refuses emails that differ only in case', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('users');
    await coll.createIndex({ email: 1 }, { unique: true, collation: ci });
    await coll.insertOne({ _id: 1, email: 'Ada@Example.com' });
    await assert.rejects(coll.insertOne({ _id: 2, email: 'ada@example.COM' }), (e: MongoServerError) => {
      assert.equal(e.code, 11000);
      assert.deepEqual(e.keyValue, { email: 'ada@example.COM' });
      return true;
    });
    await coll.insertOne({ _id: 3, email: 'bob@example.com' });
    await assert.rejects(coll.updateOne({ _id: 3 }, { $set: { email: 'ADA@example.com' } }), (e: MongoServerError) => e.code === 11000);
    // the index answers queries that use its collation
    assert.deepEqual((await coll.find({ email: 'ADA@EXAMPLE.COM' }, { collation: ci }).toArray()).map((d) => d._id), [1]);
    const listed = (await coll.listIndexes().toArray()).find((ix) => ix.name === 'email_1');
    assert.equal(listed?.collation?.locale, 'en');
    assert.equal(listed?.collation?.strength, 2);
    await coll.deleteOne({ _id: 1 });
    await coll.insertOne({ _id: 4, email: 'ADA@example.com' });
  });

  it("a collection's default collation applies to its queries and indexes unless a command names another", async () => {
    const db = h.client.db(h.dbName());
    const coll = await db.createCollection<Doc>('c', { collation: ci });
    await coll.insertMany([{ _id: 1, name: 'Zoë' }, { _id: 2, name: 'zoë' }, { _id: 3, name: 'zoe' }]);
    assert.deepEqual((await coll.find({ name: 'ZOË' }).toArray()).map((d) => d._id), [1, 2]);
    assert.deepEqual((await coll.find({ name: 'ZOË' }, { collation: { locale: 'simple' } }).toArray()).map((d) => d._id), []);
    await coll.createIndex({ name: 1 }, { unique: true, name: 'byName' }).then(
      () => assert.fail('duplicates under the default collation'),
      (e: MongoServerError) => assert.equal(e.code, 11000),
    );
    const info = (await db.listCollections({ name: 'c' }).toArray())[0] as { options: { collation?: { locale: string; strength: number } } };
    assert.equal(info.options.collation?.strength, 2);
  });

  it('refuses what Intl.Collator cannot reproduce, and malformed collations, like mongod', async () => {
    const coll = await words();
    for (const collation of [{ locale: 'en', strength: 4 }, { locale: 'fr', backwards: true }, { locale: 'en', caseLevel: true, strength: 2 }, { locale: 'en', alternate: 'shifted', maxVariable: 'space' }, { locale: 'en', normalization: true }]) {
      await assert.rejects(coll.find({}, { collation }).toArray(), (e: MongoServerError) => e.code === 2 && /not supported/.test(e.message), JSON.stringify(collation));
    }
    await assert.rejects(coll.find({}, { collation: { locale: 'xx' } }).toArray(), (e: MongoServerError) => e.code === 2 && /locale/.test(e.message));
    await assert.rejects(coll.find({}, { collation: { strength: 2 } as never }).toArray(), (e: MongoServerError) => e.code === 40414);
    await assert.rejects(coll.aggregate([{ $project: { w: 1 } }], { collation: ci }).toArray(), (e: MongoServerError) => e.code === 2);
    await assert.rejects(coll.find({ $expr: { $eq: ['$w', 'APPLE'] } }, { collation: ci }).toArray(), (e: MongoServerError) => e.code === 2);
  });
});
