import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Int32, Long, ObjectId } from 'bson';
import { Doc, deepClone } from '../bson/values';
import { StorageEngine } from './engine';
import { ValuePool } from './value-pool';

/** A document as BSON decodes it: equal values, separate instances. */
const decoded = (tenant: ObjectId, at: number): Doc => ({
  _id: new ObjectId(),
  tenantId: new ObjectId(tenant.toHexString()),
  status: 'posted',
  amount: new Int32(100),
  createdAt: new Date(at),
  updatedAt: new Date(at),
  lines: [{ accountId: new ObjectId(tenant.toHexString()), debit: new Int32(100) }],
  meta: { at: new Date(at), big: Long.fromNumber(5) },
});

describe(ValuePool.name, () => {
  it('makes equal dates, int32s and ObjectIds of stored documents one instance, at any depth, without changing a value', () => {
    const pool = new ValuePool();
    const tenant = new ObjectId();
    const a = decoded(tenant, 1_000);
    const b = decoded(tenant, 1_000);
    const before = [deepClone(a), deepClone(b)];
    pool.shareLeaves(a);
    pool.shareLeaves(b);
    assert.deepEqual([a, b], before, 'every value is unchanged');
    assert.equal(b.tenantId, a.tenantId);
    assert.equal(b.amount, a.amount);
    assert.equal(a.updatedAt, a.createdAt, 'within one document too');
    assert.equal(b.createdAt, a.createdAt);
    assert.equal((b.lines as Doc[])[0].accountId, a.tenantId, 'inside arrays of subdocuments');
    assert.equal((b.meta as Doc).at, a.createdAt, 'inside subdocuments');
    assert.notEqual(b._id, a._id, 'different values stay different');
  });

  it('keeps a field named __proto__ an own field', () => {
    const pool = new ValuePool();
    const doc: Doc = {};
    Object.defineProperty(doc, '__proto__', { value: new Int32(1), writable: true, enumerable: true, configurable: true });
    pool.shareLeaves({ x: new Int32(1) });
    pool.shareLeaves(doc);
    assert.equal(Object.getPrototypeOf(doc), Object.prototype);
    assert.ok(Object.prototype.hasOwnProperty.call(doc, '__proto__'));
  });

  it('a value in use stays shared while one-off values come and go', () => {
    const pool = new ValuePool(4);
    const first: Doc = { at: new Date(7) };
    pool.shareLeaves(first);
    for (let i = 0; i < 100; i++) {
      pool.shareLeaves({ once: new Date(1_000 + i) });
      const again: Doc = { at: new Date(7) };
      pool.shareLeaves(again);
      assert.equal(again.at, first.at);
    }
  });

  it('the engine shares the leaves of what it commits', () => {
    const engine = new StorageEngine({ historyWindowMs: 0, maxVersionsPerDoc: 3 });
    const { coll } = engine.ensureCollection('db', 'c');
    const tenant = new ObjectId();
    engine.insert(coll, decoded(tenant, 5), {});
    const txn = engine.begin('s', 1);
    engine.insert(coll, decoded(tenant, 5), { txn });
    engine.commit(txn);
    const [x, y] = [...coll.records.values()].map((r) => r.doc!);
    assert.equal(y.tenantId, x.tenantId);
    assert.equal(y.createdAt, x.createdAt);
  });
});
