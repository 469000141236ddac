/**
 * Capped collections (issue 19 item 7): `size` is required, `size` and `max` are enforced by
 * dropping the oldest documents, results come in insertion order, and what mongod refuses on
 * capped collections is refused.
 */
import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Db, MongoServerError } from 'mongodb';
import { Harness, useHarness } from '../spec-helpers';

describe('capped collections', () => {
  let h: Harness;
  let db: Db;
  useHarness((harness, database) => {
    h = harness;
    db = database;
  });

  it('requires size when capped', async () => {
    await assert.rejects(db.createCollection('no_size', { capped: true }), (e: MongoServerError) => e.code === 72 && /size/.test(e.message));
  });

  it('keeps at most max documents, dropping the oldest, in insertion order', async () => {
    const c = await db.createCollection<{ _id: number }>('by_count', { capped: true, size: 100_000, max: 3 });
    for (const id of [5, 1, 4, 2, 3]) await c.insertOne({ _id: id });
    assert.deepEqual((await c.find().toArray()).map((d) => d._id), [4, 2, 3]);
    const stats = await db.command({ collStats: 'by_count' });
    assert.equal(stats.capped, true);
    assert.equal(stats.max, 3);
  });

  it('keeps the total size within size bytes (at least 4096)', async () => {
    const c = await db.createCollection<{ _id: number; pad: string }>('by_size', { capped: true, size: 1000 });
    const pad = 'x'.repeat(1000);
    for (let i = 0; i < 10; i++) await c.insertOne({ _id: i, pad });
    const ids = (await c.find().toArray()).map((d) => d._id);
    assert.deepEqual(ids, [6, 7, 8, 9], '4 documents of ~1 KB fit in 4096 bytes');
    await assert.rejects(c.insertOne({ _id: 99, pad: 'y'.repeat(5000) }), (e: MongoServerError) => e.code === 2);
  });

  it('refuses size-changing updates and transactional writes', async () => {
    const c = await db.createCollection<{ _id: number; s: string }>('strict', { capped: true, size: 4096 });
    await c.insertOne({ _id: 1, s: 'ab' });
    await c.updateOne({ _id: 1 }, { $set: { s: 'cd' } });
    await assert.rejects(c.updateOne({ _id: 1 }, { $set: { s: 'longer' } }), (e: MongoServerError) => e.code === 10003);
    const s = h.client.startSession();
    s.startTransaction();
    await assert.rejects(c.insertOne({ _id: 2, s: 'x' }, { session: s }), (e: MongoServerError) => e.code === 263);
    await s.abortTransaction().catch(() => undefined);
    await s.endSession();
    assert.deepEqual(await c.find().toArray(), [{ _id: 1, s: 'cd' }]);
  });
});
