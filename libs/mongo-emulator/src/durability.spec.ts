/**
 * --dbpath: every write acknowledged with w:'majority' survives kill -9 of the emulator
 * process mid-load, transactions come back whole or not at all, indexes and collection
 * options survive, and a torn or corrupt journal tail is cut at the last whole record and
 * reported.
 */
import { afterAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { MongoEmulator, MongoEmulatorOptions } from './mongo-emulator';
import { readRecords } from './storage/journal';

const ROOT = join(__dirname, '..', '..', '..');
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'emu-dbpath-'));
  dirs.push(d);
  return d;
}

/** The CLI as a child process; resolves with its URI once it listens. */
function startChild(dbPath: string): Promise<{ child: ChildProcess; uri: string; stderr: () => string }> {
  const child = spawn(process.execPath, ['--require', '@swc-node/register', 'libs/mongo-emulator/src/cli.ts', '--port', '0', '--dbpath', dbPath], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /mongodb:\/\/\S+/.exec(out);
      if (m) resolve({ child, uri: m[0], stderr: () => err });
    });
    child.once('exit', (code) => reject(new Error(`emulator exited (${code}): ${err}`)));
  });
}

/** Starts an emulator on a dbpath, connects a client, runs `body`, then closes both. */
async function withEmulator<T>(options: MongoEmulatorOptions, body: (client: MongoClient, emu: MongoEmulator) => Promise<T>): Promise<T> {
  const emu = await MongoEmulator.start(options);
  const client = await MongoClient.connect(emu.uri);
  try {
    return await body(client, emu);
  } finally {
    await client.close();
    await emu.stop();
  }
}

/** A copy of `dir` taken while its emulator runs: the directory as a crash would leave it. */
function crashImage(dir: string): string {
  const crash = tempDir();
  cpSync(dir, crash, { recursive: true });
  return crash;
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

describe('Durability', () => {
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('keeps every acknowledged write, whole transactions, indexes and options across kill -9 mid-load', async () => {
    const dir = tempDir();
    const first = await startChild(dir);
    const opts = { serverSelectionTimeoutMS: 2000, writeConcern: { w: 'majority' as const }, retryWrites: false };
    let client = await MongoClient.connect(first.uri, opts);
    let db = client.db('load');
    await db.collection('plain').createIndex({ email: 1 }, { unique: true });
    await db.createCollection('checked', { validator: { qty: { $gte: 0 } } });

    const acked = new Set<string>();
    const ackedTxns = new Set<string>();
    let stop = false;
    let inFlightAtKill = 0;
    let inFlight = 0;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        inFlight++;
        try {
          if (i % 3 === 2) {
            // a transaction: two inserts and a counter; recovered all together or not at all
            const id = `t${w}-${i}`;
            const session = client.startSession();
            try {
              await session.withTransaction(async () => {
                await db.collection('a').insertOne({ _id: id as never, w }, { session });
                await db.collection('b').insertOne({ _id: id as never, w }, { session });
                await db.collection('totals').updateOne({ _id: w as never }, { $inc: { n: 1 } }, { session, upsert: true });
              });
            } finally {
              await session.endSession().catch(() => undefined);
            }
            ackedTxns.add(id);
          } else {
            const id = `p${w}-${i}`;
            await db.collection('plain').insertOne({ _id: id as never, email: `${id}@x`, w });
            acked.add(id);
          }
        } catch {
          if (!stop) throw new Error('a write failed before the kill');
          return;
        } finally {
          inFlight--;
        }
      }
    };
    let failure: unknown;
    const workers = Array.from({ length: 8 }, (_, w) => worker(w).catch((e) => (failure ??= e)));
    while (acked.size + ackedTxns.size < 300 && failure === undefined) await new Promise((r) => setTimeout(r, 20));
    if (failure !== undefined) throw failure;
    stop = true;
    inFlightAtKill = inFlight;
    first.child.kill('SIGKILL');
    await killed(first.child);
    await Promise.allSettled(workers);
    await client.close(true).catch(() => undefined);
    assert.ok(inFlightAtKill > 0, 'the kill happened while writes were in flight');

    const second = await startChild(dir);
    try {
      client = await MongoClient.connect(second.uri, opts);
      db = client.db('load');
      const plain = new Set((await db.collection('plain').find({}, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id)));
      const missing = [...acked].filter((id) => !plain.has(id));
      assert.deepEqual(missing, [], 'every acknowledged insert is present');
      const a = await db.collection('a').find().toArray();
      const b = await db.collection('b').find().toArray();
      const aIds = new Set(a.map((d) => String(d._id)));
      assert.deepEqual([...ackedTxns].filter((id) => !aIds.has(id)), [], 'every acknowledged transaction is present');
      assert.deepEqual(a.map((d) => d._id).sort(), b.map((d) => d._id).sort(), 'no transaction is half-applied');
      for (const t of await db.collection('totals').find().toArray()) {
        assert.equal(t.n, a.filter((d) => d.w === t._id).length, `counter of worker ${t._id} matches its transactions`);
      }
      const indexes = await db.collection('plain').indexes();
      assert.ok(indexes.some((ix) => ix.name === 'email_1' && ix.unique), 'the unique index survived');
      await assert.rejects(db.collection('plain').insertOne({ email: `${[...acked][0]}@x` }), { code: 11000 });
      await assert.rejects(db.collection('checked').insertOne({ qty: -1 }), { code: 121 });
    } finally {
      await client.close().catch(() => undefined);
      second.child.kill('SIGKILL');
      await killed(second.child);
    }
  });

  it('cuts a torn journal tail at the last whole record and says so', async () => {
    const dir = tempDir();
    // the journal of the crash image holds every acknowledged write
    const crash = await withEmulator({ dbPath: dir }, async (client) => {
      const coll = client.db('t').collection('docs');
      for (let i = 0; i < 10; i++) await coll.insertOne({ _id: i as never, v: 'x'.repeat(50) }, { writeConcern: { w: 'majority' } });
      return crashImage(dir);
    });
    const journal = join(crash, 'journal.bin');
    truncateSync(journal, statSync(journal).size - 7);
    const lines: string[] = [];
    await withEmulator({ dbPath: crash, log: (l) => lines.push(l) }, async (client, reopened) => {
      const ids = (await client.db('t').collection('docs').find().toArray()).map((d) => d._id);
      assert.deepEqual(ids, [0, 1, 2, 3, 4, 5, 6, 7, 8], 'everything up to the last whole record');
      assert.ok((reopened.recovery?.truncatedBytes ?? 0) > 0);
      assert.equal(lines.filter((l) => /torn or corrupt journal tail/.test(l)).length, 1, lines.join('\n'));
      await client.db('t').collection('docs').insertOne({ _id: 99 as never });
    });
    // the cut is final: the next start finds a clean state including the write made after it
    await withEmulator({ dbPath: crash, log: (l) => lines.push(l) }, async (client, again) => {
      assert.equal(await client.db('t').collection('docs').countDocuments(), 10);
      assert.equal(again.recovery?.truncatedBytes, 0);
    });
  });

  it('stops at a record whose checksum fails, even before the end of the file', async () => {
    const dir = tempDir();
    const crash = await withEmulator({ dbPath: dir }, async (client) => {
      const coll = client.db('t').collection('docs');
      for (let i = 0; i < 6; i++) await coll.insertOne({ _id: i as never, v: 'y'.repeat(100) });
      return crashImage(dir);
    });
    // flip one byte inside the fourth record's payload
    const journal = join(crash, 'journal.bin');
    const buf = readFileSync(journal);
    let off = 0;
    for (let r = 0; r < 3; r++) off += 8 + buf.readUInt32LE(off);
    buf[off + 8 + 20] ^= 0xff;
    writeFileSync(journal, buf);
    const lines: string[] = [];
    await withEmulator({ dbPath: crash, log: (l) => lines.push(l) }, async (client) => {
      assert.deepEqual((await client.db('t').collection('docs').find().toArray()).map((d) => d._id), [0, 1, 2]);
      assert.equal(lines.length, 1, lines.join('\n'));
    });
  });

  it('answers a majority read only once what it saw is on disk', async () => {
    const dir = tempDir();
    const emu = await MongoEmulator.start({ dbPath: dir });
    try {
      const conn = { id: 0, socket: new Socket(), closed: false };
      // w:1 replies before its record is written; the next read must not outrun the disk
      await emu.server.execute({ insert: 'c', documents: [{ _id: 1 }], writeConcern: { w: 1 } }, 'r', conn);
      const reply = await emu.server.execute({ find: 'c', filter: {}, readConcern: { level: 'majority' } }, 'r', conn);
      assert.equal(((reply as { cursor: { firstBatch: unknown[] } }).cursor.firstBatch).length, 1);
      const journal = readRecords(join(dir, 'journal.bin')).records;
      assert.equal(journal.length, 1, 'the insert it returned is in the journal');
    } finally {
      await emu.stop();
    }
  });

  it('compacts the journal into snapshots under concurrent writes without losing any', async () => {
    const dir = tempDir();
    const crash = await withEmulator({ dbPath: dir, journalCompactBytes: 4096 }, async (client) => {
      const coll = client.db('c').collection('docs');
      await coll.createIndex({ k: 1 }, { unique: true });
      await Promise.all(
        Array.from({ length: 20 }, async (_, w) => {
          for (let i = 0; i < 25; i++) await coll.insertOne({ _id: `${w}-${i}` as never, k: w * 100 + i, pad: 'p'.repeat(100) });
        }),
      );
      await coll.updateMany({}, { $inc: { n: 1 } });
      return crashImage(dir);
    });
    assert.ok(statSync(join(crash, 'snapshot.bson')).size > 0, 'a snapshot was written while running');
    assert.ok(statSync(join(crash, 'journal.bin')).size < 4096 + 2048, 'the journal was compacted');
    await withEmulator({ dbPath: crash }, async (client) => {
      const docs = client.db('c').collection('docs');
      assert.equal(await docs.countDocuments({ n: 1 }), 500);
      await assert.rejects(docs.insertOne({ k: 0 }), { code: 11000 });
    });
  });

  it('journals a collection created inside a transaction with its commit, and never one whose transaction aborted', async () => {
    const dir = tempDir();
    const crash = await withEmulator({ dbPath: dir }, async (client) => {
      const db = client.db('t');
      const kept = client.startSession();
      await kept.withTransaction(async () => {
        await db.createCollection('made', { validator: { n: { $type: 'int' } }, session: kept });
        await db.collection('made').createIndex({ n: 1 }, { unique: true, session: kept });
        await db.collection('made').insertOne({ _id: 1 as never, n: 1 }, { session: kept });
      });
      await kept.endSession();
      const dropped = client.startSession();
      dropped.startTransaction();
      await db.createCollection('gone', { session: dropped });
      await db.collection('gone').insertOne({ _id: 1 as never }, { session: dropped });
      await dropped.abortTransaction();
      await dropped.endSession();
      await db.collection('other').insertOne({ _id: 1 as never });
      const records = readRecords(join(dir, 'journal.bin')).records;
      assert.ok(!JSON.stringify(records).includes('gone'), 'nothing of the aborted transaction is journaled');
      const txnRecord = records.find((r) => JSON.stringify(r).includes('made'));
      assert.ok(txnRecord && (txnRecord.c as unknown[]).length === 3, 'create, createIndexes and insert are one record');
      return crashImage(dir);
    });
    await withEmulator({ dbPath: crash }, async (client) => {
      const db = client.db('t');
      const names = (await db.listCollections().toArray()).map((c) => c.name).sort();
      assert.deepEqual(names, ['made', 'other']);
      await assert.rejects(db.collection('made').insertOne({ n: 'x' }), { code: 121 });
      await assert.rejects(db.collection('made').insertOne({ n: 1 }), { code: 11000 });
    });
  });

  it('refuses a dbpath another emulator of this process holds, until it stops', async () => {
    const dir = tempDir();
    const first = await MongoEmulator.start({ dbPath: dir });
    await assert.rejects(MongoEmulator.start({ dbPath: dir }), /another emulator in this process/);
    await first.stop();
    const second = await MongoEmulator.start({ dbPath: dir });
    await second.stop();
  });

  it('refuses a dbpath that a live process holds', async () => {
    const dir = tempDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(join(dir, 'mongod.lock'), String(holder.pid));
      await assert.rejects(MongoEmulator.start({ dbPath: dir }), /Unable to lock the lock file/);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
