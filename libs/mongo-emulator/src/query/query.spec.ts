/**
 * Query semantics the emulator implements itself (where mingo does not match MongoDB):
 * BSON-typed comparisons, array matching, positional bookkeeping, update operators with
 * type-preserving arithmetic, projections and aggregation stages.
 */
import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Decimal128, Double, Int32, Long, ObjectId, Timestamp } from 'bson';
import { compareValues, Doc, typeAlias } from '../bson/values';
import { CommandError } from '../errors';
import { compileFilter, MatchContext } from './matcher';
import { applyUpdate, upsertSeed } from './update';
import { compileProjection } from './projection';
import { compileSort } from './sort';
import { runPipeline } from './aggregate';

const match = (filter: Doc, doc: Doc) => compileFilter(filter)(doc);

function throwsCode(fn: () => unknown, code: number): void {
  assert.throws(fn, (e: unknown) => e instanceof CommandError && e.code === code);
}

describe('matcher', () => {
  it('compares numbers across int, long, double and decimal (mingo does not)', () => {
    const doc = { a: Long.fromNumber(5), d: Decimal128.fromString('1.5'), i: new Int32(3), x: new Double(2.5) };
    assert.equal(match({ a: { $gt: 3 } }, doc), true);
    assert.equal(match({ a: 5 }, doc), true);
    assert.equal(match({ a: new Double(5) }, doc), true);
    assert.equal(match({ d: { $gt: 1, $lt: 2 } }, doc), true);
    assert.equal(match({ i: { $in: [Long.fromNumber(3)] } }, doc), true);
    assert.equal(match({ x: { $lte: 2.5 } }, doc), true);
    assert.equal(match({ a: { $type: 'long' } }, doc), true);
    assert.equal(match({ i: { $type: 'int' } }, doc), true);
    assert.equal(match({ x: { $type: 'double' } }, doc), true);
    assert.equal(match({ d: { $type: 'number' } }, doc), true);
  });

  it('brackets range comparisons by type, treats missing as null for equality', () => {
    assert.equal(match({ a: { $gt: 1 } }, { a: 'x' }), false);
    assert.equal(match({ a: { $gt: 'a' } }, { a: 'b' }), true);
    assert.equal(match({ a: null }, {}), true);
    assert.equal(match({ a: null }, { a: null }), true);
    assert.equal(match({ a: { $ne: null } }, {}), false);
    assert.equal(match({ a: { $exists: false } }, {}), true);
    assert.equal(match({ a: { $gte: new Date(0) } }, { a: new Date(10) }), true);
    const id = new ObjectId();
    assert.equal(match({ _id: new ObjectId(id.toHexString()) }, { _id: id }), true);
  });

  it('matches arrays element-wise and as a whole, through subdocuments', () => {
    const doc = { tags: ['a', 'b'], items: [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 5 }] };
    assert.equal(match({ tags: 'a' }, doc), true);
    assert.equal(match({ tags: ['a', 'b'] }, doc), true);
    assert.equal(match({ tags: ['b', 'a'] }, doc), false);
    assert.equal(match({ 'items.sku': 'y' }, doc), true);
    assert.equal(match({ 'items.qty': { $gt: 4 } }, doc), true);
    assert.equal(match({ items: { $elemMatch: { sku: 'x', qty: { $gt: 2 } } } }, doc), false);
    assert.equal(match({ 'items.sku': 'x', 'items.qty': 5 }, doc), true, 'without $elemMatch, conditions may hold on different elements');
    assert.equal(match({ tags: { $size: 2 } }, doc), true);
    assert.equal(match({ tags: { $all: ['b', 'a'] } }, doc), true);
    assert.equal(match({ 'items.1.sku': 'y' }, doc), true);
  });

  it('records the matched array position for the positional $ operator', () => {
    const m: MatchContext = {};
    assert.equal(compileFilter({ 'items.sku': 'y' })({ items: [{ sku: 'x' }, { sku: 'y' }] }, m), true);
    assert.equal(m.arrayIndex, 1);
  });

  it('supports $and/$or/$nor/$not/$regex/$expr/$mod and rejects unknown operators with BadValue', () => {
    const doc = { a: 5, b: 'Hello', c: 10 };
    assert.equal(match({ $or: [{ a: 1 }, { b: /^hel/i }] }, doc), true);
    assert.equal(match({ $nor: [{ a: 5 }] }, doc), false);
    assert.equal(match({ a: { $not: { $gt: 6 } } }, doc), true);
    assert.equal(match({ b: { $regex: 'LL', $options: 'i' } }, doc), true);
    assert.equal(match({ $expr: { $gt: ['$c', '$a'] } }, doc), true);
    assert.equal(match({ c: { $mod: [3, 1] } }, doc), true);
    throwsCode(() => compileFilter({ a: { $foo: 1 } }), 2);
    throwsCode(() => compileFilter({ $or: [] }), 2);
  });
});

describe('update operators', () => {
  const up = (doc: Doc, u: unknown, opts = {}) => applyUpdate(doc, u, opts).doc;

  it('$inc keeps BSON types: int stays int, overflows to long; Long and Decimal128 increment (mingo silently does nothing)', () => {
    assert.equal(typeAlias(up({ _id: 1, n: new Int32(1) }, { $inc: { n: new Int32(2) } }).n), 'int');
    const big = up({ _id: 1, n: new Int32(2147483647) }, { $inc: { n: new Int32(1) } }).n;
    assert.equal(typeAlias(big), 'long');
    assert.equal(String(big), '2147483648');
    const l = up({ _id: 1, n: Long.fromString('9007199254740993') }, { $inc: { n: new Int32(1) } }).n as Long;
    assert.equal(l.toString(), '9007199254740994');
    const d = up({ _id: 1, n: Decimal128.fromString('0.1') }, { $inc: { n: Decimal128.fromString('0.2') } }).n as Decimal128;
    assert.equal(d.toString(), '0.3');
    assert.equal(typeAlias(up({ _id: 1, n: new Int32(1) }, { $inc: { n: new Double(0.5) } }).n), 'double');
    assert.equal(typeAlias(up({ _id: 1 }, { $inc: { n: Long.fromNumber(3) } }).n), 'long');
    throwsCode(() => up({ _id: 1, n: 'x' }, { $inc: { n: 1 } }), 14);
    throwsCode(() => up({ _id: 1, n: 1 }, { $inc: { n: 'x' } }), 14);
  });

  it('$mul, $min, $max, $unset, $rename, $currentDate, $setOnInsert (only on insert)', () => {
    const doc = { _id: 1, a: new Int32(3), lo: 5, hi: 5, gone: 1, old: 'v' };
    const out = applyUpdate(doc, { $mul: { a: new Int32(4) }, $min: { lo: 2 }, $max: { hi: 9 }, $unset: { gone: '' }, $rename: { old: 'new' }, $setOnInsert: { created: true } }).doc;
    assert.deepEqual({ ...out, a: Number(String(out.a)) }, { _id: 1, a: 12, lo: 2, hi: 9, new: 'v' });
    assert.equal(applyUpdate({ _id: 1 }, { $setOnInsert: { c: 1 } }, { isInsert: true }).doc.c, 1);
    const ts = new Timestamp({ t: 5, i: 1 });
    const cd = applyUpdate({ _id: 1 }, { $currentDate: { d: true, t: { $type: 'timestamp' } } }, { now: () => ({ date: new Date(7), ts }) }).doc;
    assert.deepEqual(cd, { _id: 1, d: new Date(7), t: ts });
  });

  it('$push with $each/$position/$slice/$sort, $addToSet, $pull (with a condition), $pullAll, $pop', () => {
    const d = { _id: 1, a: [3, 1], s: [1], p: [1, 2, 3, 4], q: [{ x: 1 }, { x: 5 }], r: [1, 2, 1], t: [1, 2, 3] };
    const out = up(d, {
      $push: { a: { $each: [2, 5], $sort: 1, $slice: 3 } },
      $addToSet: { s: { $each: [1, 2] } },
      $pull: { p: { $gte: 3 }, q: { x: { $gt: 2 } } },
      $pullAll: { r: [1] },
      $pop: { t: -1 },
    });
    assert.deepEqual(out, { _id: 1, a: [1, 2, 3], s: [1, 2], p: [1, 2], q: [{ x: 1 }], r: [2], t: [2, 3] });
    assert.deepEqual(up({ _id: 1, a: [1, 2] }, { $push: { a: { $each: [9], $position: 0 } } }).a, [9, 1, 2]);
    throwsCode(() => up({ _id: 1, a: 1 }, { $push: { a: 2 } }), 2);
  });

  it('positional $, $[] and $[ident] with arrayFilters', () => {
    const doc = { _id: 1, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }] };
    assert.deepEqual(applyUpdate(doc, { $inc: { 'items.$.qty': 10 } }, { arrayIndex: 1 }).doc.items, [{ sku: 'a', qty: 1 }, { sku: 'b', qty: new Int32(12) }]);
    assert.deepEqual(up(doc, { $set: { 'items.$[].qty': 0 } }).items, [{ sku: 'a', qty: 0 }, { sku: 'b', qty: 0 }]);
    assert.deepEqual(applyUpdate(doc, { $set: { 'items.$[e].qty': 7 } }, { arrayFilters: [{ 'e.sku': 'a' }] }).doc.items, [{ sku: 'a', qty: 7 }, { sku: 'b', qty: 2 }]);
    throwsCode(() => up(doc, { $set: { 'items.$.qty': 1 } }), 2);
    throwsCode(() => applyUpdate(doc, { $set: { 'items.$[x].qty': 1 } }, { arrayFilters: [] }), 2);
    throwsCode(() => applyUpdate(doc, { $set: { a: 1 } }, { arrayFilters: [{ 'e.sku': 'a' }] }), 9);
  });

  it('validates like mongod: conflicts (40), _id is immutable (66), unknown modifier (9), path not viable (28); an empty operator is a no-op (5.0)', () => {
    throwsCode(() => up({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } }), 40);
    throwsCode(() => up({ _id: 1 }, { $set: { 'a.b': 1, a: 2 } }), 40);
    throwsCode(() => up({ _id: 1 }, { $set: { _id: 2 } }), 66);
    assert.deepEqual(up({ _id: 1 }, { $set: { _id: 1, a: 1 } }), { _id: 1, a: 1 });
    throwsCode(() => up({ _id: 1 }, { $foo: { a: 1 } }), 9);
    assert.equal(applyUpdate({ _id: 1 }, { $set: {} }).changed, false);
    throwsCode(() => up({ _id: 1, a: 5 }, { $set: { 'a.b': 1 } }), 28);
    throwsCode(() => up({ _id: 1 }, { _id: 2, x: 1 }), 66);
  });

  it('reports no change for a no-op update (so it takes no lock and bumps nothing)', () => {
    assert.equal(applyUpdate({ _id: 1, a: new Int32(1) }, { $set: { a: new Int32(1) } }).changed, false);
    assert.equal(applyUpdate({ _id: 1, a: new Int32(1) }, { $set: { a: new Double(1) } }).changed, true, 'a type change is a change');
    assert.equal(applyUpdate({ _id: 1, a: [1] }, { $addToSet: { a: 1 } }).changed, false);
  });

  it('creates new fields in field-name order and builds upsert documents from equality filters', () => {
    assert.deepEqual(Object.keys(up({ _id: 1 }, { $set: { b: 1, a: 1 } })), ['_id', 'a', 'b']);
    assert.deepEqual(upsertSeed({ a: 1, 'b.c': 2, d: { $gt: 1 }, e: { $eq: 3 }, $and: [{ f: 4 }] }), { a: 1, b: { c: 2 }, e: 3, f: 4 });
  });

  it('replacement and pipeline updates', () => {
    assert.deepEqual(up({ _id: 1, a: 1 }, { b: 2 }), { _id: 1, b: 2 });
    assert.deepEqual(up({ _id: 1, a: new Int32(1) }, [{ $set: { b: { $add: ['$a', 1] } } }, { $unset: 'a' }]), { _id: 1, b: new Int32(2) });
  });
});

describe('projection and sort', () => {
  it('inclusion, exclusion, nested paths through arrays, _id rules, $slice, $elemMatch, positional', () => {
    const doc = { _id: 1, a: 1, b: { c: 2, d: 3 }, arr: [{ x: 1, y: 2 }, { x: 3, y: 4 }], list: [1, 2, 3, 4] };
    assert.deepEqual(compileProjection({ a: 1, 'b.c': 1 }).apply(doc), { _id: 1, a: 1, b: { c: 2 } });
    assert.deepEqual(compileProjection({ _id: 0, 'arr.x': 1 }).apply(doc), { arr: [{ x: 1 }, { x: 3 }] });
    assert.deepEqual(compileProjection({ b: 0, arr: 0, list: 0 }).apply(doc), { _id: 1, a: 1 });
    assert.deepEqual(compileProjection({ _id: 1 }).apply(doc), { _id: 1 });
    assert.deepEqual(compileProjection({ list: { $slice: -2 }, arr: 0, b: 0 }).apply(doc), { _id: 1, a: 1, list: [3, 4] });
    assert.deepEqual(compileProjection({ arr: { $elemMatch: { x: 3 } } }).apply(doc), { _id: 1, arr: [{ x: 3, y: 4 }] });
    assert.deepEqual(compileProjection({ 'arr.$': 1 }).apply(doc, 1), { _id: 1, arr: [{ x: 3, y: 4 }] });
    throwsCode(() => compileProjection({ a: 1, b: 0 }), 31254);
  });

  it('sorts in BSON type order, missing first, arrays by their min/max element', () => {
    const docs: Doc[] = [{ v: 'a' }, { v: 2 }, {}, { v: null }, { v: new ObjectId('000000000000000000000000') }, { v: [5, 0] }, { v: Long.fromNumber(1) }];
    const asc = [...docs].sort(compileSort({ v: 1 })!);
    assert.deepEqual(asc.map((d) => typeAlias(d.v)), ['missing', 'null', 'array', 'long', 'int', 'string', 'objectId']);
    assert.ok(compareValues(new Date(1), true) > 0, 'dates sort after booleans');
  });
});

describe('aggregation', () => {
  const orders: Doc[] = [
    { _id: 1, cust: 'a', amount: new Int32(10), items: ['x', 'y'] },
    { _id: 2, cust: 'b', amount: Long.fromNumber(5), items: ['x'] },
    { _id: 3, cust: 'a', amount: new Double(2.5), items: [] },
  ];
  const customers: Doc[] = [
    { _id: 'a', name: 'Ann' },
    { _id: 'b', name: 'Bob' },
  ];
  const ctx = { resolveCollection: (n: string) => (n === 'customers' ? customers : []) };

  it('$match $group ($sum over mixed numeric types, $avg, $min, $max, $push, $addToSet, $first, $count) $sort', () => {
    const out = runPipeline(orders, [
      { $group: { _id: '$cust', total: { $sum: '$amount' }, avg: { $avg: '$amount' }, n: { $sum: 1 }, max: { $max: '$amount' }, ids: { $push: '$_id' }, c: { $count: {} } } },
      { $sort: { _id: 1 } },
    ]);
    assert.equal(out.length, 2);
    assert.equal(Number(String(out[0].total)), 12.5);
    assert.equal(typeAlias(out[0].total), 'double');
    assert.equal(typeAlias(out[1].total), 'long', 'a sum of longs stays a long');
    assert.deepEqual(out[0].ids, [1, 3]);
    assert.equal(Number(String(out[0].c)), 2);
  });

  it('$lookup $unwind $project $addFields $replaceRoot $facet $count $skip $limit $unset', () => {
    const out = runPipeline(
      orders,
      [
        { $lookup: { from: 'customers', localField: 'cust', foreignField: '_id', as: 'c' } },
        { $unwind: '$c' },
        { $addFields: { who: '$c.name', big: { $gte: ['$amount', 5] } } },
        { $project: { _id: 1, who: 1, big: 1 } },
        { $sort: { _id: -1 } },
      ],
      ctx,
    );
    assert.deepEqual(out, [
      { _id: 3, who: 'Ann', big: false },
      { _id: 2, who: 'Bob', big: true },
      { _id: 1, who: 'Ann', big: true },
    ]);
    const unwound = runPipeline(orders, [{ $unwind: { path: '$items', preserveNullAndEmptyArrays: true } }, { $count: 'n' }]);
    assert.equal(Number(String(unwound[0].n)), 4);
    const facet = runPipeline(orders, [{ $facet: { first: [{ $skip: 1 }, { $limit: 1 }, { $unset: ['items', 'amount'] }], total: [{ $count: 'n' }] } }]);
    assert.deepEqual(facet[0].first, [{ _id: 2, cust: 'b' }]);
    const rr = runPipeline(customers, [{ $replaceRoot: { newRoot: { n: '$name' } } }]);
    assert.deepEqual(rr, [{ n: 'Ann' }, { n: 'Bob' }]);
  });

  it('$unwind straight into $group gives what the two stages give one after the other', () => {
    const group = { $group: { _id: '$items', n: { $sum: 1 }, ids: { $push: '$_id' }, at: { $push: '$i' } } };
    for (const unwind of [
      '$items',
      { path: '$items', preserveNullAndEmptyArrays: true },
      { path: '$items', includeArrayIndex: 'i' },
      { path: '$items', preserveNullAndEmptyArrays: true, includeArrayIndex: 'i' },
    ]) {
      const fused = runPipeline(orders, [{ $unwind: unwind }, group, { $sort: { _id: 1 } }]);
      const apart = runPipeline(runPipeline(orders, [{ $unwind: unwind }]), [group, { $sort: { _id: 1 } }]);
      assert.deepEqual(fused, apart, JSON.stringify(unwind));
    }
    assert.throws(
      () => runPipeline(orders, [{ $unwind: 'items' }, { $group: { n: { $sum: 1 } } }]),
      (e: CommandError) => e.code === 28818,
      'the $unwind is still checked first',
    );
  });

  it('$lookup with let/pipeline, expressions ($cond, $ifNull, $concat, $toString, $dateToString, $size, $filter, $map)', () => {
    const out = runPipeline(
      [{ _id: 1, cust: 'a', when: new Date(Date.UTC(2024, 0, 2)), tags: ['x', 'y', 'z'] }],
      [
        { $lookup: { from: 'customers', let: { c: '$cust' }, pipeline: [{ $match: { $expr: { $eq: ['$_id', '$$c'] } } }], as: 'c' } },
        {
          $project: {
            _id: 0,
            name: { $ifNull: [{ $arrayElemAt: ['$c.name', 0] }, 'none'] },
            label: { $concat: ['#', { $toString: '$_id' }] },
            day: { $dateToString: { format: '%Y-%m-%d', date: '$when' } },
            n: { $size: '$tags' },
            notX: { $filter: { input: '$tags', cond: { $ne: ['$$this', 'x'] } } },
            up: { $map: { input: '$tags', as: 't', in: { $toUpper: '$$t' } } },
            kind: { $cond: [{ $gt: [{ $size: '$tags' }, 2] }, 'many', 'few'] },
          },
        },
      ],
      ctx,
    );
    assert.deepEqual(out, [{ name: 'Ann', label: '#1', day: '2024-01-02', n: new Int32(3), notX: ['y', 'z'], up: ['X', 'Y', 'Z'], kind: 'many' }]);
  });

  it('the pipelines the app runs: $unwind + $group with $sum/$cond, $project with $sum/$size over arrays', () => {
    const entries: Doc[] = [
      { _id: 1, status: 'approved', lines: [{ acc: 'a', debit: new Int32(5), credit: new Int32(0) }, { acc: 'b', debit: new Int32(0), credit: new Int32(5) }] },
      { _id: 2, status: 'submitted', lines: [{ acc: 'a', debit: new Int32(2), credit: new Int32(0) }] },
    ];
    const byAccount = runPipeline(entries, [
      { $unwind: '$lines' },
      { $group: { _id: '$lines.acc', debit: { $sum: '$lines.debit' }, credit: { $sum: '$lines.credit' }, approved: { $sum: { $cond: [{ $eq: ['$status', 'approved'] }, '$lines.debit', 0] } } } },
      { $sort: { _id: 1 } },
    ]);
    assert.deepEqual(byAccount, [
      { _id: 'a', debit: new Int32(7), credit: new Int32(0), approved: new Int32(5) },
      { _id: 'b', debit: new Int32(0), credit: new Int32(5), approved: new Int32(0) },
    ]);
    const totals = runPipeline(entries, [{ $project: { debit: { $sum: '$lines.debit' }, lineCount: { $size: '$lines' } } }]);
    assert.deepEqual(totals, [
      { _id: 1, debit: new Int32(5), lineCount: new Int32(2) },
      { _id: 2, debit: new Int32(2), lineCount: new Int32(1) },
    ]);
    const grouped = runPipeline(entries, [{ $group: { _id: { status: '$status' }, n: { $sum: 1 } } }, { $sort: { '_id.status': 1 } }]);
    assert.deepEqual(grouped, [{ _id: { status: 'approved' }, n: new Int32(1) }, { _id: { status: 'submitted' }, n: new Int32(1) }]);
  });

  it('rejects unknown stages with code 40324', () => {
    throwsCode(() => runPipeline([], [{ $nope: {} }]), 40324);
  });
});
