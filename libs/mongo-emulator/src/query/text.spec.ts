/**
 * `$text` search with `{$meta: 'textScore'}` (issue 19 items 9 and 13), `$geoWithin` and its
 * old name `$within` (item 9), through the driver.
 */
import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Db, MongoServerError } from 'mongodb';
import { useHarness } from '../spec-helpers';

describe('text and geo queries', () => {
  let db: Db;
  useHarness((_h, database) => {
    db = database;
  });

  it('refuses $text without a text index (27), finds with one, stems and drops stop words', async () => {
    const c = db.collection('articles');
    await c.insertMany([
      { _id: 1, subject: 'coffee', author: 'xyz' },
      { _id: 2, subject: 'Coffee Shopping', author: 'efg' },
      { _id: 3, subject: 'Baking a cake', author: 'abc' },
      { _id: 4, subject: 'baking', author: 'xyz' },
      { _id: 5, subject: 'Café Con Leche', author: 'abc' },
      { _id: 6, subject: 'coffee and cream', author: 'efg' },
    ] as never[]);
    await assert.rejects(c.find({ $text: { $search: 'coffee' } }).toArray(), (e: MongoServerError) => e.code === 27 && /text index required/.test(e.message));
    await c.createIndex({ subject: 'text' });
    const ids = async (search: string) => (await c.find({ $text: { $search: search } }).sort({ _id: 1 }).toArray()).map((d) => d._id);
    assert.deepEqual(await ids('coffee'), [1, 2, 6]);
    assert.deepEqual(await ids('bake'), [3, 4], 'stemmed: baking ~ bake');
    assert.deepEqual(await ids('cafe'), [5], 'diacritics folded');
    assert.deepEqual(await ids('coffee -shop'), [1, 6], 'negation; shopping ~ shop');
    assert.deepEqual(await ids('"coffee shop"'), [2], 'phrases match the text');
    assert.deepEqual(await ids('the and a'), [], 'stop words never match');
    await assert.rejects(c.createIndex({ author: 'text' }), (e: MongoServerError) => e.code === 85, 'one text index per collection');
  });

  it('scores with {$meta: "textScore"} in projections, sorts and aggregation', async () => {
    const c = db.collection('articles');
    const docs = await c
      .find({ $text: { $search: 'coffee' } }, { projection: { score: { $meta: 'textScore' } } })
      .sort({ score: { $meta: 'textScore' } })
      .toArray();
    assert.deepEqual(
      docs.map((d) => [d._id, d.score]),
      [
        [1, 1],
        [2, 0.75],
        [6, 0.75],
      ],
    );
    assert.equal(docs[0].subject, 'coffee', 'a $meta projection alone keeps the other fields');
    const agg = await c
      .aggregate([{ $match: { $text: { $search: 'coffee cream' } } }, { $project: { _id: 1, s: { $meta: 'textScore' } } }, { $sort: { s: -1, _id: 1 } }])
      .toArray();
    assert.deepEqual(agg.map((d) => d._id), [6, 1, 2]);
    await assert.rejects(c.aggregate([{ $sort: { _id: 1 } }, { $match: { $text: { $search: 'coffee' } } }]).toArray(), (e: MongoServerError) => e.code === 17313);
    await assert.rejects(c.find({}, { projection: { s: { $meta: 'textScore' } } }).toArray(), (e: MongoServerError) => e.code === 40218);
  });

  it('supports $geoWithin and its alias $within with legacy shapes, refuses $geometry', async () => {
    const c = db.collection('places');
    await c.insertMany([
      { _id: 1, loc: [1, 1] },
      { _id: 2, loc: [5, 5] },
      { _id: 3, loc: { lng: 2, lat: 3 } },
      { _id: 4, loc: { type: 'Point', coordinates: [0.001, 0.001] } },
    ] as never[]);
    const ids = async (f: object) => (await c.find(f).sort({ _id: 1 }).toArray()).map((d) => d._id);
    assert.deepEqual(await ids({ loc: { $within: { $box: [[0, 0], [3, 3]] } } }), [1, 3]);
    assert.deepEqual(await ids({ loc: { $geoWithin: { $box: [[0, 0], [3, 3]] } } }), [1, 3]);
    assert.deepEqual(await ids({ loc: { $within: { $center: [[5, 4], 1] } } }), [2]);
    assert.deepEqual(await ids({ loc: { $geoWithin: { $polygon: [[0, 0], [6, 0], [6, 6]] } } }), [1, 2]);
    assert.deepEqual(await ids({ loc: { $geoWithin: { $centerSphere: [[0, 0], 0.001] } } }), [4]);
    await assert.rejects(
      c.find({ loc: { $geoWithin: { $geometry: { type: 'Polygon', coordinates: [[[0, 0], [3, 0], [3, 3], [0, 0]]] } } } }).toArray(),
      (e: MongoServerError) => e.code === 2 && /not supported by the emulator/.test(e.message),
    );
  });
});
