/**
 * Retryable writes (a retry executes once), fail points with mongod's error labels,
 * write concerns a single node cannot satisfy, and readConcern snapshot reads.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Long, MongoClient, MongoServerError, Timestamp, UUID } from 'mongodb';
import { MongoEmulator } from '../mongo-emulator';
import { Harness, rawCommand, startHarness } from '../spec-helpers';

type Doc = { _id: string | number; [k: string]: any };

describe('retryable writes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('a retried write with the same lsid + txnNumber executes once and returns the first outcome', async () => {
    const db = h.dbName();
    const lsid = { id: new UUID() };
    const txnNumber = Long.fromNumber(1);
    await rawCommand(h.emu, { insert: 'c', documents: [{ _id: 1, n: 0 }] }, db);
    const upd = { update: 'c', updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }, { q: { _id: 2 }, u: { $set: { n: 9 } }, upsert: true }], lsid, txnNumber };
    const first = await rawCommand(h.emu, upd, db);
    const second = await rawCommand(h.emu, upd, db);
    assert.equal(first.n, 2);
    assert.equal(second.n, 2);
    assert.equal(second.nModified, first.nModified);
    assert.deepEqual(second.upserted, first.upserted);
    const fam = { findAndModify: 'c', query: { _id: 1 }, update: { $inc: { n: 100 } }, new: true, lsid, txnNumber: Long.fromNumber(2) };
    const f1 = await rawCommand(h.emu, fam, db);
    const f2 = await rawCommand(h.emu, fam, db);
    assert.deepEqual(f2.value, f1.value);
    assert.deepEqual(await h.client.db(db).collection('c').find({}, { sort: { _id: 1 } }).toArray(), [{ _id: 1, n: 101 }, { _id: 2, n: 9 }]);
  });

  it('the driver retries after a closed connection and the write happens once (failCommand closeConnection)', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('c');
    await coll.insertOne({ _id: 'x', n: 0 });
    await h.client.db('admin').command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['update'], closeConnection: true } });
    await coll.updateOne({ _id: 'x' }, { $inc: { n: 1 } });
    assert.deepEqual(await coll.findOne({ _id: 'x' }), { _id: 'x', n: 1 });
  });

  it('the driver retries after the server committed and dropped the connection (onPrimaryTransactionalWrite): no double apply', async () => {
    const coll = h.client.db(h.dbName()).collection<Doc>('c');
    await coll.insertOne({ _id: 'x', n: 0 });
    await h.client.db('admin').command({ configureFailPoint: 'onPrimaryTransactionalWrite', mode: { times: 1 } });
    await coll.updateOne({ _id: 'x' }, { $inc: { n: 1 } });
    await h.client.db('admin').command({ configureFailPoint: 'onPrimaryTransactionalWrite', mode: { times: 1 } });
    await coll.insertMany([{ _id: 'a' }, { _id: 'b' }]);
    assert.deepEqual(await coll.findOne({ _id: 'x' }), { _id: 'x', n: 1 });
    assert.equal(await coll.countDocuments(), 3);
  });
});

describe('fail points and error labels', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' }).catch(() => undefined);
    await h.close();
  });

  const fp = (data: Record<string, unknown>, mode: unknown = { times: 1 }) =>
    rawCommand(h.emu, { configureFailPoint: 'failCommand', mode, data });

  it('errorCode: RetryableWriteError on retryable writes, TransientTransactionError inside transactions, none otherwise', async () => {
    const db = h.dbName();
    const lsid = { id: new UUID() };
    await fp({ failCommands: ['insert'], errorCode: 189 });
    const r1 = await rawCommand(h.emu, { insert: 'c', documents: [{ _id: 1 }], lsid, txnNumber: Long.fromNumber(1) }, db);
    assert.equal(r1.code, 189);
    assert.equal(r1.codeName, 'PrimarySteppedDown');
    assert.deepEqual(r1.errorLabels, ['RetryableWriteError']);
    await fp({ failCommands: ['insert'], errorCode: 10107 });
    const r2 = await rawCommand(h.emu, { insert: 'c', documents: [{ _id: 1 }], lsid, txnNumber: Long.fromNumber(2), autocommit: false, startTransaction: true }, db);
    assert.deepEqual(r2.errorLabels, ['TransientTransactionError']);
    await fp({ failCommands: ['insert'], errorCode: 11601 });
    const r3 = await rawCommand(h.emu, { insert: 'c', documents: [{ _id: 1 }], lsid, txnNumber: Long.fromNumber(3) }, db);
    assert.equal(r3.errorLabels, undefined);
    await fp({ failCommands: ['insert'], errorCode: 189 });
    const r4 = await rawCommand(h.emu, { insert: 'c', documents: [{ _id: 1 }] }, db);
    assert.equal(r4.errorLabels, undefined, 'no txnNumber: not a retryable write');
    await fp({ failCommands: ['find'], errorCode: 8, errorLabels: ['Custom'] });
    const r5 = await rawCommand(h.emu, { find: 'c' }, db);
    assert.deepEqual(r5.errorLabels, ['Custom']);
    const lsid2 = { id: new UUID() };
    const t = { lsid: lsid2, txnNumber: Long.fromNumber(1), autocommit: false };
    assert.equal((await rawCommand(h.emu, { insert: 'c', documents: [{ _id: 7 }], ...t, startTransaction: true }, db)).ok, 1);
    await fp({ failCommands: ['commitTransaction'], errorCode: 251 });
    const r6 = await rawCommand(h.emu, { commitTransaction: 1, ...t });
    assert.deepEqual(r6.errorLabels, ['TransientTransactionError']);
    await fp({ failCommands: ['commitTransaction'], errorCode: 10107 });
    const r7 = await rawCommand(h.emu, { commitTransaction: 1, ...t });
    assert.deepEqual(r7.errorLabels, ['RetryableWriteError'], 'commit is a retryable write command');
    assert.equal((await rawCommand(h.emu, { commitTransaction: 1, ...t })).ok, 1, 'a fail point error on commit leaves the transaction committable');
    const stale = await rawCommand(h.emu, { commitTransaction: 1, lsid, txnNumber: Long.fromNumber(2), autocommit: false });
    assert.equal(stale.code, 225, 'txnNumber 2 is older than the retryable write 3 on that session');
  });

  it('times, alwaysOn, off, appName and blockConnection', async () => {
    const db = h.dbName();
    await fp({ failCommands: ['ping'], errorCode: 2 }, { times: 2 });
    assert.equal((await rawCommand(h.emu, { ping: 1 })).ok, 0);
    assert.equal((await rawCommand(h.emu, { ping: 1 })).ok, 0);
    assert.equal((await rawCommand(h.emu, { ping: 1 })).ok, 1);
    await fp({ failCommands: ['ping'], errorCode: 2 }, 'alwaysOn');
    assert.equal((await rawCommand(h.emu, { ping: 1 })).ok, 0);
    await rawCommand(h.emu, { configureFailPoint: 'failCommand', mode: 'off' });
    assert.equal((await rawCommand(h.emu, { ping: 1 })).ok, 1);
    const other = await MongoClient.connect(h.emu.uri, { appName: 'victim' });
    await h.client.db('admin').command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['find'], errorCode: 2, appName: 'victim' } });
    await h.client.db(db).collection('c').findOne({});
    await assert.rejects(other.db(db).collection('c').findOne({}), (e: MongoServerError) => e.code === 2);
    await other.close();
    await fp({ failCommands: ['ping'], blockConnection: true, blockTimeMS: 150 });
    const t0 = Date.now();
    await rawCommand(h.emu, { ping: 1 });
    assert.ok(Date.now() - t0 >= 140);
  });

  it('writeConcernError: from a fail point, and for write concerns a single node cannot satisfy (the write still applies)', async () => {
    const db = h.dbName();
    await fp({ failCommands: ['insert'], writeConcernError: { code: 91, errmsg: 'Replication is being shut down' } });
    const r = await rawCommand(h.emu, { insert: 'c', documents: [{ _id: 1 }] }, db);
    assert.equal(r.ok, 1);
    assert.equal((r.writeConcernError as Doc).code, 91);
    const w2 = await rawCommand(h.emu, { insert: 'c', documents: [{ _id: 2 }], writeConcern: { w: 2 } }, db);
    assert.equal((w2.writeConcernError as Doc).code, 100);
    assert.equal((w2.writeConcernError as Doc).codeName, 'UnsatisfiableWriteConcern');
    const wm = await rawCommand(h.emu, { insert: 'c', documents: [{ _id: 3 }], writeConcern: { w: 'majority' } }, db);
    assert.equal(wm.writeConcernError, undefined);
    assert.equal(await h.client.db(db).collection('c').countDocuments(), 3);
  });
});

describe('readConcern snapshot outside transactions', () => {
  let emu: MongoEmulator;
  let client: MongoClient;
  beforeAll(async () => {
    emu = await MongoEmulator.start({ maxVersionsPerDoc: 3 });
    client = await MongoClient.connect(emu.uri);
  });
  afterAll(async () => {
    await client.close();
    await emu.stop();
  });

  it('find/aggregate report atClusterTime in the cursor and distinct at top level; reads at that time ignore later commits', async () => {
    const db = client.db('snap');
    await db.collection<Doc>('c').insertMany([{ _id: 1, x: 1 }, { _id: 2, x: 2 }]);
    const f = await db.command({ find: 'c', readConcern: { level: 'snapshot' } });
    const at = f.cursor.atClusterTime as Timestamp;
    assert.ok(at instanceof Timestamp);
    await db.collection<Doc>('c').insertOne({ _id: 3, x: 3 });
    const again = await db.command({ find: 'c', readConcern: { level: 'snapshot', atClusterTime: at } });
    assert.equal(again.cursor.firstBatch.length, 2);
    const d = await db.command({ distinct: 'c', key: 'x', readConcern: { level: 'snapshot', atClusterTime: at } });
    assert.deepEqual(d.values, [1, 2]);
    assert.ok(d.atClusterTime);
    const a = await db.command({ aggregate: 'c', pipeline: [{ $count: 'n' }], cursor: {}, readConcern: { level: 'snapshot', atClusterTime: at } });
    assert.equal(a.cursor.firstBatch[0].n, 2);
    assert.ok(a.cursor.atClusterTime);
  });

  it('rejects snapshot reads older than the kept history (SnapshotTooOld) or in the future, and on other commands', async () => {
    const db = client.db('snap2');
    await db.collection<Doc>('c').insertOne({ _id: 1, n: 0 });
    const at = (await db.command({ find: 'c', readConcern: { level: 'snapshot' } })).cursor.atClusterTime as Timestamp;
    for (let i = 0; i < 6; i++) await db.collection<Doc>('c').updateOne({ _id: 1 }, { $inc: { n: 1 } });
    await assert.rejects(db.command({ find: 'c', readConcern: { level: 'snapshot', atClusterTime: at } }), (e: MongoServerError) => e.code === 239 && e.codeName === 'SnapshotTooOld');
    const future = new Timestamp({ t: at.t + 3600, i: 1 });
    await assert.rejects(db.command({ find: 'c', readConcern: { level: 'snapshot', atClusterTime: future } }), (e: MongoServerError) => e.code === 72);
    await assert.rejects(db.command({ count: 'c', readConcern: { level: 'snapshot' } }), (e: MongoServerError) => e.code === 72);
  });

  it('accepts afterClusterTime (causal consistency)', async () => {
    const s = client.startSession({ causalConsistency: true });
    const coll = client.db('snap3').collection<Doc>('c');
    await coll.insertOne({ _id: 1 }, { session: s });
    assert.deepEqual(await coll.findOne({ _id: 1 }, { session: s }), { _id: 1 });
    await s.endSession();
  });
});
