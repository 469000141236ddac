// Emulator benchmark (not a test): ops/s for insert, find by _id, findAndModify $inc on one
// hot document from 64 concurrent clients, and a two-document transaction.
//
//   npm run bench:emulator            (BENCH_SECONDS=3 by default per scenario)
//
// By default the emulator runs in this process, as it does in the test suites (client and
// server share one JS thread). To measure the server alone, start it in another process
// (`npm run db:emulator -- --port 27018`) and set BENCH_URI=mongodb://127.0.0.1:27018/?replicaSet=rs0.
import { MongoClient, ObjectId } from 'mongodb';
import { MongoEmulator } from '@app/mongo-emulator';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = 64;

type Doc = { _id: ObjectId | string | number; [k: string]: any };

async function run(name: string, op: (worker: number, i: number) => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + SECONDS * 1000;
  let ops = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = 0; Date.now() < deadline; i++) {
        await op(w, i);
        ops++;
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${name.padEnd(44)} ${Math.round(ops / secs).toString().padStart(8)} ops/s  (${ops} ops, ${CONCURRENCY} clients, ${secs.toFixed(1)} s)`);
}

async function main(): Promise<void> {
  const external = process.env.BENCH_URI;
  const emu = external ? undefined : await MongoEmulator.start();
  const uri = external ?? emu!.uri;
  console.log(`emulator benchmark against ${uri}${external ? '' : ' (in-process)'}, ${SECONDS} s per scenario`);
  const client = await MongoClient.connect(uri, { maxPoolSize: CONCURRENCY });
  const db = client.db(`bench_${Date.now()}`);
  const docs = db.collection<Doc>('docs');
  const ids: ObjectId[] = [];

  await run('insertOne', async () => {
    const r = await docs.insertOne({ _id: new ObjectId(), name: 'item', qty: 1, tags: ['a', 'b'] });
    if (ids.length < 10_000) ids.push(r.insertedId as ObjectId);
  });

  await run('findOne by _id', async (w, i) => {
    await docs.findOne({ _id: ids[(w * 7919 + i) % ids.length] });
  });

  const hot = db.collection<Doc>('hot');
  await hot.insertOne({ _id: 'counter', n: 0 });
  await run('findOneAndUpdate $inc on one hot document', async () => {
    await hot.findOneAndUpdate({ _id: 'counter' }, { $inc: { n: 1 } }, { returnDocument: 'after' });
  });

  const accounts = db.collection<Doc>('accounts');
  await accounts.insertMany(Array.from({ length: 2 * CONCURRENCY }, (_, i) => ({ _id: i, balance: 1_000_000 })));
  let conflicts = 0;
  await run('transaction: move money between 2 documents', async (w) => {
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        // each worker moves between its own pair of accounts: measures transaction overhead
        await accounts.updateOne({ _id: 2 * w }, { $inc: { balance: -1 } }, { session });
        await accounts.updateOne({ _id: 2 * w + 1 }, { $inc: { balance: 1 } }, { session });
      });
    } catch {
      conflicts++;
    } finally {
      await session.endSession();
    }
  });
  if (conflicts) console.log(`  (${conflicts} transactions failed)`);

  await db.dropDatabase();
  await client.close();
  await emu?.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
