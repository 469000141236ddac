/**
 * The storage engine directly: index-narrowed scans must return exactly what a full scan
 * returns (checked under random writes, transactions, aborts and history pruning), and MVCC
 * snapshots must stay stable.
 */
import { describe, it, jest } from '@jest/globals';
import assert from 'node:assert/strict';
import { Int32, Long } from 'bson';
import { Doc } from '../bson/values';
import { compileFilter } from '../query/matcher';
import { compileSort } from '../query/sort';
import { CollectionIndex } from './collection-index';
import { Blocked, StorageEngine, View } from './engine';
import { CommandError } from '../errors';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('StorageEngine', () => {
  it('index-narrowed scans equal full scans under random writes, transactions and pruning', () => {
    const engine = new StorageEngine({ historyWindowMs: 0, maxVersionsPerDoc: 3 });
    const { coll } = engine.ensureCollection('db', 'c');
    for (const spec of [{ key: { a: 1 } }, { key: { 'x.y': 1, b: -1 } }, { key: { tags: 1 } }, { key: { b: 1, c: -1 } }]) {
      const ix = new CollectionIndex(CollectionIndex.normalizeSpec(spec));
      coll.indexes.set(ix.name, ix);
      coll.buildIndex(ix);
    }
    const rand = rng(42);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const values: unknown[] = [1, 2, new Int32(2), Long.fromNumber(3), 'a', null, undefined, [1, 2], [], [3, 'a']];
    const makeDoc = (id: number): Doc => {
      const d: Doc = { _id: id };
      const a = pick(values);
      if (a !== undefined) d.a = a;
      if (rand() < 0.7) d.x = rand() < 0.5 ? { y: pick(values) ?? null } : [{ y: pick(values) ?? null }, { z: 1 }];
      if (rand() < 0.5) d.tags = pick([['a'], ['a', 'b'], [], 'a']);
      d.b = Math.floor(rand() * 3);
      const c = pick([0, 1, 2.5, new Int32(4), Long.fromNumber(7), 'k', 'z', null, undefined, new Date(5)]);
      if (c !== undefined) d.c = c;
      return d;
    };
    const filters: Doc[] = [
      { a: 1 },
      { a: 2 },
      { a: 3 },
      { a: 'a' },
      { a: null },
      { a: { $in: [1, 'a', null] } },
      { 'x.y': 2 },
      { 'x.y': null },
      { 'x.y': { $eq: 1 } },
      { tags: 'a' },
      { tags: 'b' },
      { $and: [{ a: 2 }, { b: { $gte: 1 } }] },
      { _id: { $in: [1, 2, 3] } },
      { a: { $gt: 1 } },
      { a: { $gte: 1, $lt: 3 } },
      { a: { $lt: 'b' } },
      { b: 1 },
      { b: 1, c: { $gt: 1 } },
      { b: { $in: [0, 2] }, c: { $lte: 4 } },
      { b: 2, c: { $gte: 'a', $lt: 'z' } },
      { b: 0, c: null },
      { b: 1, c: { $gt: 0, $ne: 4 } },
    ];
    const sorts: Doc[] = [{ c: -1 }, { c: 1 }, { b: 1, c: -1 }, { b: -1, c: 1 }];
    const sortKey = (d: Doc) => JSON.stringify([d.b, d.c ?? null]);
    const views: View[] = [{}];
    let open: ReturnType<StorageEngine['begin']> | undefined;
    for (let step = 0; step < 1500; step++) {
      const id = Math.floor(rand() * 25);
      const r = rand();
      const view: View = open && rand() < 0.5 ? { txn: open } : {};
      try {
        const rec = coll.records.get(`n${id}`);
        const current = rec ? engine.read(coll, rec, view) : null;
        if (!current) engine.insert(coll, makeDoc(id), view);
        else if (r < 0.6) engine.update(coll, rec!, current, makeDoc(id), view);
        else engine.remove(coll, rec!, current, view);
      } catch (e) {
        if (!(e instanceof Blocked) && !(e instanceof CommandError)) throw e;
      }
      if (open && rand() < 0.1) {
        if (rand() < 0.5) engine.commit(open);
        else engine.abort(open);
        open = undefined;
      } else if (!open && rand() < 0.05) open = engine.begin('s', step);
      if (step % 10 === 0) engine.maintain();
      assert.equal(coll.liveCount, engine.scan(coll, {}).length, `live count: step ${step}`);
      for (const v of open ? [...views, { txn: open }] : views) {
        for (const f of filters) {
          const p = compileFilter(f);
          const planned = engine.scan(coll, v, f).filter((row) => p(row.doc)).map((row) => row.rec.key).sort();
          const full = engine.scan(coll, v).filter((row) => p(row.doc)).map((row) => row.rec.key).sort();
          assert.deepEqual(planned, full, `step ${step} filter ${JSON.stringify(f)}`);
          const plan = engine.plan(coll, f);
          const counted = engine.countExact(plan, v);
          if (counted !== undefined) assert.equal(counted, full.length, `count: step ${step} filter ${JSON.stringify(f)}`);
          for (const sort of sorts) {
            const sorted = engine.plan(coll, f, { sort });
            if (!sorted.sorted) continue;
            const cmp = compileSort(sort)!;
            const walked = [...engine.rows(coll, v, sorted)].map((r) => r.doc).filter((d) => p(d));
            const where = `step ${step} filter ${JSON.stringify(f)} sort ${JSON.stringify(sort)}`;
            assert.equal(walked.length, full.length, `walk: ${where}`);
            assert.deepEqual(walked.map(sortKey), [...walked].sort(cmp).map(sortKey), `order: ${where}`);
          }
        }
      }
    }
  });

  it('a snapshot keeps seeing the versions it started with while later commits happen', () => {
    const engine = new StorageEngine({ historyWindowMs: 0, maxVersionsPerDoc: 2 });
    const { coll } = engine.ensureCollection('db', 'c');
    engine.insert(coll, { _id: 1, v: 0 }, {});
    const txn = engine.begin('s', 1);
    for (let i = 1; i <= 20; i++) {
      const rec = coll.records.get('n1')!;
      engine.update(coll, rec, rec.doc!, { _id: 1, v: i }, {});
    }
    const rec = coll.records.get('n1')!;
    assert.deepEqual(engine.read(coll, rec, { txn }), { _id: 1, v: 0 }, 'versions an open transaction needs are never pruned');
    assert.deepEqual(engine.read(coll, rec, {}), { _id: 1, v: 20 });
    assert.throws(() => engine.update(coll, rec, { _id: 1, v: 0 }, { _id: 1, v: -1 }, { txn }), (e: unknown) => e instanceof CommandError && e.code === 112);
    assert.equal(txn.state, 'aborted');
  });
  it('maintenance visits only the records that hold history, and leaves none once no reader needs it', () => {
    const engine = new StorageEngine({ historyWindowMs: 0, maxVersionsPerDoc: 100 });
    const { coll } = engine.ensureCollection('db', 'c');
    const ix = new CollectionIndex(CollectionIndex.normalizeSpec({ key: { u: 1 }, unique: true }));
    coll.indexes.set(ix.name, ix);
    coll.buildIndex(ix);
    for (let i = 0; i < 1000; i++) engine.insert(coll, { _id: i, u: `k${i}`, v: 0 }, {});
    const rec = (id: number) => coll.records.get(`n${id}`)!;
    const reader = engine.begin('s', 1);
    for (let v = 1; v <= 5; v++) engine.update(coll, rec(1), rec(1).doc!, { _id: 1, u: 'k1', v }, {});
    engine.remove(coll, rec(2), rec(2).doc!, {});
    engine.update(coll, rec(3), rec(3).doc!, { _id: 3, u: 'k3-renamed', v: 1 }, {});

    const prune = jest.spyOn(engine, 'prune');
    const walk = jest.spyOn(coll.records, 'values');
    engine.maintain();
    assert.equal(walk.mock.calls.length, 0, 'no walk over every stored record');
    assert.equal(prune.mock.calls.length, 3, 'the three changed records, not the 1000 stored ones');
    assert.deepEqual(engine.read(coll, rec(1), { txn: reader }), { _id: 1, u: 'k1', v: 0 }, 'history an open transaction needs is kept');
    assert.equal(ix.freed.size, 2, 'the keys of the removed k2 and the renamed k3 stay while a snapshot may still see their owners');
    for (const k of ix.freed) assert.equal(ix.entries.get(k)?.owner, null);

    engine.commit(reader);
    engine.maintain();
    assert.equal(rec(1).versionCount, 1);
    assert.equal(coll.records.get('n2'), undefined, 'the tombstone is gone');
    assert.equal(coll.withHistory.size, 0);
    assert.equal(ix.freed.size, 0);
    assert.equal(ix.entries.size, 999, 'one committed key per live document, the freed one dropped');
    prune.mockClear();
    engine.maintain();
    assert.equal(prune.mock.calls.length, 0, 'nothing left to visit');
  });
  it('the TTL monitor walks the expired dates of its index, not every stored record', () => {
    const engine = new StorageEngine({ historyWindowMs: 0, maxVersionsPerDoc: 3 });
    const { coll } = engine.ensureCollection('db', 'c');
    for (const spec of [
      { key: { at: 1 }, expireAfterSeconds: 0 },
      { key: { until: -1 }, expireAfterSeconds: 60, partialFilterExpression: { kind: 'temp' } },
    ]) {
      const ix = new CollectionIndex(CollectionIndex.normalizeSpec(spec));
      coll.indexes.set(ix.name, ix);
      coll.buildIndex(ix);
    }
    const now = Date.UTC(2026, 11, 1);
    for (let i = 0; i < 1000; i++) engine.insert(coll, { _id: i, at: new Date(now + 60_000 + i) }, {});
    for (const doc of [
      { _id: 'past', at: new Date(now - 1) },
      { _id: 'exactly-now', at: new Date(now) },
      { _id: 'a-past-date-in-an-array', at: [new Date(now + 60_000), new Date(now - 5)] },
      { _id: 'not-a-date', at: 'yesterday' },
      { _id: 'a-number', at: 0 },
      { _id: 'temp-expired', kind: 'temp', until: new Date(now - 61_000) },
      { _id: 'temp-recent', kind: 'temp', until: new Date(now - 59_000) },
      { _id: 'outside-the-partial-filter', kind: 'kept', until: new Date(now - 61_000) },
    ]) {
      engine.insert(coll, doc, {});
    }

    const walkAll = jest.spyOn(coll.records, 'values');
    assert.equal(engine.sweepTtl(now), 4);
    assert.equal(walkAll.mock.calls.length, 0, 'no walk over every stored record');
    walkAll.mockRestore();
    const left = engine.scanDocs(coll, {}).map((d) => d._id);
    assert.equal(left.length, 1000 + 4);
    for (const id of ['not-a-date', 'a-number', 'temp-recent', 'outside-the-partial-filter']) assert.ok(left.includes(id), `${id} is kept`);
    assert.equal(engine.sweepTtl(now), 0, 'nothing left to expire');
    assert.equal(engine.sweepTtl(now + 30_000), 1, 'temp-recent, 60 s after its date');
    assert.equal(engine.sweepTtl(now + 61_000), 1000, 'the rest, each after its date');
  });
});
