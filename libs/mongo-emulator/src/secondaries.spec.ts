/**
 * Secondary members (issue 19 item 2). The Node driver connects by selecting a server that
 * matches the client's read preference, so a client whose read preference is `secondary`
 * cannot even run a primary transaction against a single-member set ("Topology is closed"
 * after the selection times out — as against a real single-member replica set). With
 * `secondaries: 1` such clients work; secondaries serve secondaryOk reads and refuse writes.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { CommandStartedEvent, MongoClient, MongoServerError } from 'mongodb';
import { MongoEmulator } from './mongo-emulator';

describe('MongoEmulator secondaries', () => {
  let emu: MongoEmulator;
  beforeAll(async () => {
    emu = await MongoEmulator.start({ secondaries: 1 });
  });
  afterAll(async () => {
    await emu.stop();
  });

  it('runs a primary transaction on a client whose read preference is secondary', async () => {
    const seed = await MongoClient.connect(emu.uri);
    await seed.db('rp').collection('c').insertOne({ _id: 1 } as never);
    const client = new MongoClient(`${emu.uri}&readPreference=secondary`, { serverSelectionTimeoutMS: 5000, monitorCommands: true });
    const seen: CommandStartedEvent[] = [];
    client.on('commandStarted', (e) => seen.push(e));
    try {
      const s = client.startSession();
      s.startTransaction({ readPreference: 'primary' });
      const r = await client.db('rp').command({ find: 'c', filter: {} }, { session: s });
      assert.deepEqual(r.cursor.firstBatch, [{ _id: 1 }]);
      await client.db('rp').collection('c').insertOne({ _id: 2 } as never, { session: s });
      await s.commitTransaction();
      await s.endSession();
      const docs = await client.db('rp').collection('c').find().toArray();
      assert.deepEqual(docs, [{ _id: 1 }, { _id: 2 }], 'a secondary read sees the committed data');
      await seed.db('rp').collection('many').insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i })) as never[]);
      assert.equal((await client.db('rp').collection('many').find().batchSize(100).toArray()).length, 250, 'getMore continues on the secondary');
      const secondaryAddress = (await client.db('admin').command({ hello: 1 })).hosts[1];
      assert.equal(seen.find((e) => e.commandName === 'find' && !e.command.lsid?.txnNumber && e.command.$readPreference)?.address, secondaryAddress);
      assert.equal(seen.find((e) => e.commandName === 'insert')?.address, emu.address);
    } finally {
      await client.close();
      await seed.close();
    }
  });

  it('refuses writes (NotWritablePrimary) and reads without secondaryOk (NotPrimaryNoSecondaryOk) on a secondary', async () => {
    const primary = await MongoClient.connect(emu.uri);
    const [, secondaryAddress] = (await primary.db('admin').command({ hello: 1 })).hosts as string[];
    await primary.close();
    const direct = await MongoClient.connect(`mongodb://${secondaryAddress}/?directConnection=true`);
    try {
      const hello = await direct.db('admin').command({ hello: 1 });
      assert.equal(hello.isWritablePrimary, false);
      assert.equal(hello.secondary, true);
      assert.equal(hello.me, secondaryAddress);
      assert.equal(hello.primary, emu.address);
      await assert.rejects(direct.db('rp').collection('w').insertOne({ a: 1 }), (e: MongoServerError) => e.code === 10107);
      // the driver adds primaryPreferred on a direct connection; without any read preference:
      const conn = { id: 0, socket: new Socket(), closed: false, member: 1 };
      const bare = (await emu.server.execute({ find: 'c', $db: 'rp' }, 'rp', conn)) as Record<string, unknown>;
      assert.equal(bare.code, 13435);
      const ok = (await emu.server.execute({ find: 'c', $readPreference: { mode: 'secondary' } }, 'rp', conn)) as Record<string, unknown>;
      assert.equal(ok.ok, 1);
    } finally {
      await direct.close();
    }
  });
});
