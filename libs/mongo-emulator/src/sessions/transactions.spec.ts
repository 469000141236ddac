/**
 * The concurrency contract (docs: shared/design/mongo-concurrency-semantics.md), tests 1–7,
 * plus the transaction lifecycle rules (reaper, endSessions, commit retry, maxTimeMS waits).
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { MongoClient, MongoServerError } from 'mongodb';
import { Harness, rawCommand, sleep, startHarness, stillPending } from '../spec-helpers';
import { MongoEmulator } from '../mongo-emulator';

type Doc = { _id: string | number; [k: string]: any };

async function expectServerError(p: Promise<unknown>, code: number, label?: string): Promise<MongoServerError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof MongoServerError, `expected a server error, got ${String(e)}`);
    assert.equal(e.code, code, `expected code ${code}, got ${e.code} (${e.message})`);
    if (label) assert.ok(e.hasErrorLabel(label), `expected label ${label}, got ${JSON.stringify(e.errorLabels)}`);
    return e;
  }
  assert.fail(`expected error code ${code}, but the operation succeeded`);
}

describe('transactions: the concurrency contract', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('1. a second transaction writing a locked document gets WriteConflict + TransientTransactionError, then NoSuchTransaction; the first commits', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('d');
    await coll.insertOne({ _id: 'D', v: 0 });
    const s1 = h.client.startSession();
    const s2 = h.client.startSession();
    s1.startTransaction();
    s2.startTransaction();
    await coll.updateOne({ _id: 'D' }, { $set: { v: 1 } }, { session: s1 });
    const e = await expectServerError(coll.updateOne({ _id: 'D' }, { $set: { v: 2 } }, { session: s2 }), 112, 'TransientTransactionError');
    assert.equal(e.codeName, 'WriteConflict');
    await expectServerError(coll.findOne({ _id: 'D' }, { session: s2 }), 251, 'TransientTransactionError');
    await s1.commitTransaction();
    await s2.abortTransaction().catch(() => undefined);
    assert.deepEqual(await coll.findOne({ _id: 'D' }), { _id: 'D', v: 1 });
    await s1.endSession();
    await s2.endSession();
  });

  it('2. a non-transactional write to a locked document waits for the commit, then applies on top', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('d');
    await coll.insertOne({ _id: 'D', v: 0, log: [] });
    const s1 = h.client.startSession();
    s1.startTransaction();
    await coll.updateOne({ _id: 'D' }, { $inc: { v: 1 }, $push: { log: 'txn' } as never }, { session: s1 });
    // The guard matches the committed state (v: 0), so the write needs the document: it waits.
    const plain = coll.updateOne({ _id: 'D', v: { $gte: 0 } }, { $inc: { v: 10 }, $push: { log: 'plain' } as never });
    assert.equal(await stillPending(plain, 150), true, 'the plain update must wait for the transaction');
    // A plain update whose filter does not match the committed state does not touch the document: no wait.
    assert.equal((await coll.updateOne({ _id: 'D', v: 1 }, { $set: { x: 1 } })).matchedCount, 0);
    await s1.commitTransaction();
    const r = await plain;
    assert.equal(r.modifiedCount, 1, 'the guard is re-evaluated against the newly committed state');
    assert.deepEqual(await coll.findOne({ _id: 'D' }), { _id: 'D', v: 11, log: ['txn', 'plain'] });
    await s1.endSession();
  });

  it('2b. ...and after an abort, it applies to the old state (guard re-evaluated)', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('d');
    await coll.insertOne({ _id: 'D', v: 0 });
    const s1 = h.client.startSession();
    s1.startTransaction();
    await coll.updateOne({ _id: 'D' }, { $set: { v: 1 } }, { session: s1 });
    const plain = coll.updateOne({ _id: 'D', v: 0 }, { $set: { v: 5 } });
    assert.equal(await stillPending(plain, 100), true);
    await s1.abortTransaction();
    assert.equal((await plain).modifiedCount, 1);
    assert.deepEqual(await coll.findOne({ _id: 'D' }), { _id: 'D', v: 5 });
    await s1.endSession();
  });

  it('2c. the wait is bounded by maxTimeMS (MaxTimeMSExpired, code 50)', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('d');
    await coll.insertOne({ _id: 'D', v: 0 });
    const s1 = h.client.startSession();
    s1.startTransaction();
    await coll.updateOne({ _id: 'D' }, { $set: { v: 1 } }, { session: s1 });
    await expectServerError(coll.updateOne({ _id: 'D' }, { $set: { v: 2 } }, { maxTimeMS: 100 }), 50);
    await s1.commitTransaction();
    assert.deepEqual(await coll.findOne({ _id: 'D' }), { _id: 'D', v: 1 });
    await s1.endSession();
  });

  it('3. a transactional write to a document changed after the snapshot gets WriteConflict', async () => {
    const db = h.client.db(h.dbName());
    const coll = db.collection<Doc>('d');
    await coll.insertMany([{ _id: 'X', v: 0 }, { _id: 'D', v: 0 }]);
    const s1 = h.client.startSession();
    s1.startTransaction();
    await coll.findOne({ _id: 'X' }, { session: s1 }); // snapshot taken
    await coll.updateOne({ _id: 'D' }, { $set: { v: 1 } }); // plain write commits after the snapshot
    assert.deepEqual(await coll.findOne({ _id: 'D' }, { session: s1 }), { _id: 'D', v: 0 }, 'the snapshot still shows the old value');
    await expectServerError(coll.updateOne({ _id: 'D' }, { $set: { v: 2 } }, { session: s1 }), 112, 'TransientTransactionError');
    await s1.abortTransaction().catch(() => undefined);
    assert.deepEqual(await coll.findOne({ _id: 'D' }), { _id: 'D', v: 1 });
    await s1.endSession();
  });

  it('4. write skew is allowed: two transactions read A and B and write different documents, both commit', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('d');
    await coll.insertMany([{ _id: 'A', on: true }, { _id: 'B', on: true }]);
    const s1 = h.client.startSession();
    const s2 = h.client.startSession();
    s1.startTransaction();
    s2.startTransaction();
    for (const s of [s1, s2]) assert.equal(await coll.countDocuments({ on: true }, { session: s }), 2);
    await coll.updateOne({ _id: 'A' }, { $set: { on: false } }, { session: s1 });
    await coll.updateOne({ _id: 'B' }, { $set: { on: false } }, { session: s2 });
    await s1.commitTransaction();
    await s2.commitTransaction();
    assert.equal(await coll.countDocuments({ on: true }), 0);
    await s1.endSession();
    await s2.endSession();
  });

  it('5. a unique key inserted by an open transaction: WriteConflict for another transaction, DuplicateKey after commit', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('d');
    await coll.createIndex({ k: 1 }, { unique: true });
    const s1 = h.client.startSession();
    const s2 = h.client.startSession();
    const s3 = h.client.startSession();
    s1.startTransaction();
    s2.startTransaction();
    await coll.insertOne({ _id: 1, k: 'k' }, { session: s1 });
    await expectServerError(coll.insertOne({ _id: 2, k: 'k' }, { session: s2 }), 112, 'TransientTransactionError');
    await s2.abortTransaction().catch(() => undefined);
    await s1.commitTransaction();
    s3.startTransaction();
    const e = await expectServerError(coll.insertOne({ _id: 3, k: 'k' }, { session: s3 }), 11000);
    assert.ok(!e.hasErrorLabel('TransientTransactionError'));
    await s3.abortTransaction().catch(() => undefined);
    await expectServerError(coll.insertOne({ _id: 4, k: 'k' }), 11000);
    for (const s of [s1, s2, s3]) await s.endSession();
  });

  it('5b. a non-transactional insert of a key reserved by an open transaction waits, then gets DuplicateKey', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('d');
    await coll.createIndex({ k: 1 }, { unique: true });
    const s1 = h.client.startSession();
    s1.startTransaction();
    await coll.insertOne({ _id: 1, k: 'k' }, { session: s1 });
    const plain = coll.insertOne({ _id: 2, k: 'k' });
    assert.equal(await stillPending(plain, 100), true);
    await s1.commitTransaction();
    await expectServerError(plain, 11000);
    await s1.endSession();
  });

  it('6. a snapshot read across two collections never sees half of a concurrent commit', async () => {
    const db = h.client.db(h.dbName());
    const c1 = db.collection<Doc>('c1');
    const c2 = db.collection<Doc>('c2');
    await c1.insertOne({ _id: 1, v: 'old' });
    await c2.insertOne({ _id: 1, v: 'old' });
    const reader = h.client.startSession({ snapshot: true });
    const first = await c1.findOne({ _id: 1 }, { session: reader });
    const writer = h.client.startSession();
    await writer.withTransaction(async () => {
      await c1.updateOne({ _id: 1 }, { $set: { v: 'new' } }, { session: writer });
      await c2.updateOne({ _id: 1 }, { $set: { v: 'new' } }, { session: writer });
    });
    const second = await c2.findOne({ _id: 1 }, { session: reader });
    assert.deepEqual([first?.v, second?.v], ['old', 'old']);
    const total = await c2.aggregate([{ $lookup: { from: 'c1', localField: '_id', foreignField: '_id', as: 'o' } }], { session: reader }).toArray();
    assert.equal((total[0].o as Doc[])[0].v, 'old', '$lookup reads the same snapshot');
    const fresh = h.client.startSession({ snapshot: true });
    assert.deepEqual([(await c1.findOne({ _id: 1 }, { session: fresh }))?.v, (await c2.findOne({ _id: 1 }, { session: fresh }))?.v], ['new', 'new']);
    await reader.endSession();
    await fresh.endSession();
    await writer.endSession();
  });

  it('7. withTransaction re-runs a callback that hit WriteConflict, then commits; its effects appear once', async () => {
    const db = h.client.db(h.dbName());
    const coll = db.collection<Doc>('d');
    const effects = db.collection<Doc>('effects');
    await coll.insertOne({ _id: 'D', v: 0 });
    await effects.insertOne({ _id: 'counter', n: 0 });
    const holder = h.client.startSession();
    holder.startTransaction();
    await coll.updateOne({ _id: 'D' }, { $inc: { v: 1 } }, { session: holder });
    const s = h.client.startSession();
    let attempts = 0;
    await s.withTransaction(async () => {
      attempts++;
      // Release D before this attempt's snapshot is taken (its first operation).
      if (attempts === 2) await holder.commitTransaction();
      await effects.updateOne({ _id: 'counter' }, { $inc: { n: 1 } }, { session: s });
      await effects.insertOne({ _id: `effect-${attempts}`, attempt: attempts }, { session: s });
      await coll.updateOne({ _id: 'D' }, { $inc: { v: 10 } }, { session: s });
    });
    assert.equal(attempts, 2);
    assert.deepEqual(await coll.findOne({ _id: 'D' }), { _id: 'D', v: 11 });
    assert.deepEqual(await effects.findOne({ _id: 'counter' }), { _id: 'counter', n: 1 });
    assert.deepEqual(await effects.find({ attempt: { $exists: true } }).toArray(), [{ _id: 'effect-2', attempt: 2 }]);
    await holder.endSession();
    await s.endSession();
  });

  it('a transaction sees its own writes; nobody else does before commit; abort discards everything', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('d');
    const s = h.client.startSession();
    s.startTransaction();
    await coll.insertOne({ _id: 1, v: 1 }, { session: s });
    await coll.updateOne({ _id: 1 }, { $inc: { v: 1 } }, { session: s });
    assert.deepEqual(await coll.find({}, { session: s }).toArray(), [{ _id: 1, v: 2 }]);
    assert.deepEqual(await coll.find({}).toArray(), []);
    await s.abortTransaction();
    assert.deepEqual(await coll.find({}).toArray(), []);
    await coll.insertOne({ _id: 1, v: 0 }); // the key is free again
    await s.endSession();
  });

  it('a retried commitTransaction succeeds again; commit after abort is NoSuchTransaction; an older number is TransactionTooOld', async () => {
    const { UUID, Long } = await import('bson');
    const lsid = { id: new UUID() };
    const db = h.dbName();
    const txn = (n: number, extra: Record<string, unknown> = {}) => ({ lsid, txnNumber: Long.fromNumber(n), autocommit: false, ...extra });
    const ins = await rawCommand(h.emu, { insert: 'd', documents: [{ _id: 1 }], ...txn(1, { startTransaction: true }) }, db);
    assert.equal(ins.ok, 1);
    assert.equal((await rawCommand(h.emu, { commitTransaction: 1, ...txn(1) })).ok, 1);
    assert.equal((await rawCommand(h.emu, { commitTransaction: 1, ...txn(1) })).ok, 1, 'retried commit');
    const after = await rawCommand(h.emu, { insert: 'd', documents: [{ _id: 2 }], ...txn(1) }, db);
    assert.equal(after.code, 256, 'TransactionCommitted');
    await rawCommand(h.emu, { insert: 'd', documents: [{ _id: 3 }], ...txn(2, { startTransaction: true }) }, db);
    assert.equal((await rawCommand(h.emu, { abortTransaction: 1, ...txn(2) })).ok, 1);
    const c = await rawCommand(h.emu, { commitTransaction: 1, ...txn(2) });
    assert.equal(c.code, 251);
    assert.deepEqual(c.errorLabels, ['TransientTransactionError']);
    assert.equal((await rawCommand(h.emu, { commitTransaction: 1, ...txn(1) })).code, 225);
    assert.equal((await rawCommand(h.emu, { find: 'd', ...txn(3) }, db)).code, 251, 'continuing a transaction never started');
    const tooOld = await rawCommand(h.emu, { insert: 'd', documents: [{ _id: 4 }], lsid, txnNumber: Long.fromNumber(1) }, db);
    assert.equal(tooOld.code, 225, 'retryable write with an older txnNumber');
    const notAllowed = await rawCommand(h.emu, { count: 'd', ...txn(5, { startTransaction: true }) }, db);
    assert.equal(notAllowed.codeName, 'OperationNotSupportedInTransaction');
    assert.deepEqual(await h.client.db(db).collection('d').find().toArray(), [{ _id: 1 }]);
  });

  it('endSessions aborts the open transaction and releases its locks', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('d');
    await coll.insertOne({ _id: 'D', v: 0 });
    const s = h.client.startSession();
    s.startTransaction();
    await coll.updateOne({ _id: 'D' }, { $set: { v: 1 } }, { session: s });
    await h.client.db('admin').command({ endSessions: [s.id] });
    await coll.updateOne({ _id: 'D' }, { $set: { v: 2 } }, { maxTimeMS: 1000 });
    assert.deepEqual(await coll.findOne({ _id: 'D' }), { _id: 'D', v: 2 });
    await expectServerError(coll.findOne({ _id: 'D' }, { session: s }), 251);
    await s.endSession().catch(() => undefined);
  });

  it('40 concurrent withTransaction increments on one document all commit exactly once', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('d');
    await coll.insertOne({ _id: 'hot', n: 0 });
    const ledger = h.client.db(h.dbName()).collection<Doc>('ledger');
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const s = h.client.startSession();
        try {
          await s.withTransaction(async () => {
            await ledger.insertOne({ _id: i, at: new Date() }, { session: s });
            await coll.updateOne({ _id: 'hot' }, { $inc: { n: 1 } }, { session: s });
          });
        } finally {
          await s.endSession();
        }
      }),
    );
    assert.deepEqual(await coll.findOne({ _id: 'hot' }), { _id: "hot", n: 40 });
    assert.equal(await ledger.countDocuments(), 40);
  });
});

describe('transactions: lifetime reaper', () => {
  let emu: MongoEmulator;
  let client: MongoClient;
  beforeAll(async () => {
    emu = await MongoEmulator.start({ transactionLifetimeLimitSeconds: 1 });
    client = await MongoClient.connect(emu.uri);
  });
  afterAll(async () => {
    await client.close();
    await emu.stop();
  });

  it('aborts a transaction older than transactionLifetimeLimitSeconds; later commands get NoSuchTransaction', async () => {
    const coll = client.db('reaper').collection<Doc>('d');
    await coll.insertOne({ _id: 'D', v: 0 });
    const s = client.startSession();
    s.startTransaction();
    await coll.updateOne({ _id: 'D' }, { $set: { v: 1 } }, { session: s });
    const plain = coll.updateOne({ _id: 'D' }, { $set: { v: 2 } });
    await sleep(1400);
    assert.equal((await plain).modifiedCount, 1, 'the waiting write proceeds once the reaper aborts the transaction');
    await expectServerError(coll.findOne({}, { session: s }), 251, 'TransientTransactionError');
    await assert.rejects(s.commitTransaction(), (e: MongoServerError) => e.code === 251);
    assert.deepEqual(await coll.findOne({ _id: 'D' }), { _id: 'D', v: 2 });
    await s.endSession();
    const p = await client.db('admin').command({ getParameter: 1, transactionLifetimeLimitSeconds: 1 });
    assert.equal(p.transactionLifetimeLimitSeconds, 1);
  });
});
