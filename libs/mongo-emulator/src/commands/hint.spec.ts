/**
 * `hint` chooses the plan, and the plan decides the order of unsorted results (issue 19
 * item 8): an index scan returns index key order, a sparse index holds only some documents,
 * `$natural: -1` is reverse insertion order.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Collection, Db } from 'mongodb';
import { Harness, startHarness } from '../spec-helpers';

describe('hint', () => {
  let h: Harness;
  let db: Db;
  let c: Collection<{ _id: number; n?: number; tag?: string[] }>;
  beforeAll(async () => {
    h = await startHarness();
    db = h.client.db(h.dbName());
    c = db.collection('hinted');
    await c.insertMany([
      { _id: 3, n: 20 },
      { _id: 1, n: 30, tag: ['m', 'a'] },
      { _id: 2 },
      { _id: 4, n: 10, tag: ['z'] },
    ]);
    await c.createIndex({ n: -1 });
    await c.createIndex({ tag: 1 }, { sparse: true });
  });
  afterAll(async () => {
    await h.close();
  });

  const ids = (docs: { _id: number }[]) => docs.map((d) => d._id);

  it('returns documents in the order of the hinted index', async () => {
    assert.deepEqual(ids(await c.find().toArray()), [3, 1, 2, 4], 'no hint: insertion order');
    assert.deepEqual(ids(await c.find({}, { hint: { n: -1 } }).toArray()), [1, 3, 4, 2]);
    assert.deepEqual(ids(await c.find({}, { hint: 'n_-1' }).toArray()), [1, 3, 4, 2]);
    assert.deepEqual(ids(await c.find({}, { hint: { _id: 1 } }).toArray()), [1, 2, 3, 4]);
    assert.deepEqual(ids(await c.find({}, { hint: { $natural: -1 } }).toArray()), [4, 2, 1, 3]);
    assert.deepEqual(ids(await c.aggregate<{ _id: number }>([{ $match: {} }], { hint: { n: -1 } }).toArray()), [1, 3, 4, 2]);
    assert.deepEqual(ids(await c.find({}, { hint: { n: -1 }, sort: { _id: 1 } }).toArray()), [1, 2, 3, 4], 'an explicit sort still wins');
  });

  it('scans only what a sparse index holds, multikey documents at their first key', async () => {
    assert.deepEqual(ids(await c.find({}, { hint: { tag: 1 } }).toArray()), [1, 4]);
    assert.equal(await c.countDocuments({}, { hint: { tag: 1 } }), 2);
  });

  it('makes single-document writes pick the first document of the hinted plan', async () => {
    const w = db.collection<{ _id: number; k: number; done?: boolean }>('hinted_writes');
    await w.insertMany([{ _id: 1, k: 2 }, { _id: 2, k: 1 }]);
    await w.createIndex({ k: 1 });
    await w.updateOne({}, { $set: { done: true } }, { hint: { k: 1 } });
    assert.deepEqual(ids(await w.find({ done: true }).toArray()), [2]);
    const removed = await w.findOneAndDelete({}, { hint: { k: 1 } });
    assert.equal(removed?._id, 2);
  });
});
