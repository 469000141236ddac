// Emulator benchmark (not a test): ops/s for insert, find by _id, findAndModify $inc on one
// hot document from 64 concurrent clients, and a two-document transaction; then how indexed
// reads scale (10 tenants, indexes {tenantId, sku} unique and {tenantId, createdAt}: findOne by
// {tenantId, sku}, page 1 of a tenant by createdAt, a count of a tenant — at 1 k and 100 k
// documents, which should stay within 2x), and the emulator's memory per stored document
// after 100 k inserts (heap and RSS after a full GC, so run with --expose-gc as the script does).
//
//   npm run bench:emulator            (BENCH_SECONDS=3 by default per scenario)
//
// By default the emulator runs in this process, as it does in the test suites (client and
// server share one JS thread). To measure the server alone, start it in another process
// (`npm run db:emulator -- --port 27018`) and set BENCH_URI=mongodb://127.0.0.1:27018/?replicaSet=rs0.
// BENCH_ONLY=insertOne,findOne runs only the scenarios whose keys are listed (insertOne, findOne,
// inc, transaction, scaling), e.g. for interleaved A/B runs against another checkout;
// BENCH_WARMUP=2 runs each scenario 2 s unmeasured first.
import { MongoClient, ObjectId } from 'mongodb';
import { MongoEmulator } from '@app/mongo-emulator';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = 64;
/** Seconds each scenario runs unmeasured first (JIT warm-up; helps most on a busy machine). */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 0);
const ONLY = process.env.BENCH_ONLY?.split(',').map((k) => k.trim());
const wanted = (key: string): boolean => !ONLY || ONLY.includes(key);

type Doc = { _id: ObjectId | string | number; [k: string]: any };

/** Runs `op` from every client for `seconds`. */
async function drive(seconds: number, op: (worker: number, i: number) => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = 0; Date.now() < deadline; i++) await op(w, i);
    }),
  );
}

async function run(name: string, op: (worker: number, i: number) => Promise<unknown>): Promise<void> {
  if (WARMUP > 0) await drive(WARMUP, op);
  const deadline = Date.now() + SECONDS * 1000;
  let ops = 0;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let i = 0; Date.now() < deadline; i++) {
        await op(w, i);
        ops++;
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  // CPU time per operation (client and in-process server together) is what a busy shared
  // machine distorts least: ops/s also counts the time other processes held the cores
  const used = process.cpuUsage(cpu);
  const cpuPerOp = (used.user + used.system) / ops;
  console.log(`${name.padEnd(44)} ${Math.round(ops / secs).toString().padStart(8)} ops/s  ${cpuPerOp.toFixed(0).padStart(5)} µs CPU/op  (${ops} ops, ${CONCURRENCY} clients, ${secs.toFixed(1)} s)`);
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

  if (wanted('insertOne')) {
    await run('insertOne', async () => {
      const r = await docs.insertOne({ _id: new ObjectId(), name: 'item', qty: 1, tags: ['a', 'b'] });
      if (ids.length < 10_000) ids.push(r.insertedId as ObjectId);
    });
  }

  if (wanted('findOne')) {
    if (!ids.length) {
      const seeded = Array.from({ length: 10_000 }, () => ({ _id: new ObjectId(), name: 'item', qty: 1, tags: ['a', 'b'] }));
      await docs.insertMany(seeded);
      ids.push(...seeded.map((d) => d._id));
    }
    await run('findOne by _id', async (w, i) => {
      await docs.findOne({ _id: ids[(w * 7919 + i) % ids.length] });
    });
  }

  if (wanted('inc')) {
    const hot = db.collection<Doc>('hot');
    await hot.insertOne({ _id: 'counter', n: 0 });
    await run('findOneAndUpdate $inc on one hot document', async () => {
      await hot.findOneAndUpdate({ _id: 'counter' }, { $inc: { n: 1 } }, { returnDocument: 'after' });
    });
  }

  if (wanted('transaction')) await transactions(client, db);
  if (wanted('scaling')) await indexScaling(db);

  await db.dropDatabase();
  await client.close();
  await emu?.stop();
}

async function transactions(client: MongoClient, db: ReturnType<MongoClient['db']>): Promise<void> {
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
}

const TENANTS = 10;
const SCALE_SIZES = [1_000, 100_000];
const SCALE_ROUNDS = 300;

/**
 * Median wall time of a full garbage collection: what one major GC of the emulator's heap
 * stalls every request for once it holds this many documents (marking time follows the number
 * of objects the stored documents and their index entries are made of).
 */
function fullGcMs(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return NaN;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    gc();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[2];
}

function gcNow(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

/** Median latency in ms of `op` run `rounds` times one after another (one client: the cost of one call). */
async function latency(rounds: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = process.hrtime.bigint();
    await op(i);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function indexScaling(db: ReturnType<MongoClient['db']>): Promise<void> {
  const inProcess = !process.env.BENCH_URI;
  const measured: Record<string, number>[] = [];
  let bytesPerDoc: { heap: number; rss: number; gcMs: number } | undefined;
  for (const size of SCALE_SIZES) {
    const items = db.collection<Doc>(`items_${size}`);
    await items.createIndex({ tenantId: 1, sku: 1 }, { unique: true });
    await items.createIndex({ tenantId: 1, createdAt: 1 });
    gcNow();
    const before = process.memoryUsage();
    const start = Date.UTC(2026, 0, 1);
    for (let from = 0; from < size; from += 1000) {
      await items.insertMany(
        Array.from({ length: Math.min(1000, size - from) }, (_, k) => {
          const n = from + k;
          return { _id: new ObjectId(), tenantId: `tenant-${n % TENANTS}`, sku: `SKU-${String(n).padStart(7, '0')}`, name: `item ${n}`, qty: n % 50, createdAt: new Date(start + n * 1000) };
        }),
      );
    }
    gcNow();
    const after = process.memoryUsage();
    if (inProcess && size === 100_000) bytesPerDoc = { heap: (after.heapUsed - before.heapUsed) / size, rss: (after.rss - before.rss) / size, gcMs: fullGcMs() };
    const sku = (i: number) => `SKU-${String((i * 7919) % size).padStart(7, '0')}`;
    const tenantOf = (i: number) => `tenant-${((i * 7919) % size) % TENANTS}`;
    const row: Record<string, number> = { size };
    row.findOne = await latency(SCALE_ROUNDS, (i) => items.findOne({ tenantId: tenantOf(i), sku: sku(i) }));
    row.page = await latency(SCALE_ROUNDS, (i) => items.find({ tenantId: `tenant-${i % TENANTS}` }).sort({ createdAt: -1 }).limit(20).toArray());
    row.count = await latency(SCALE_ROUNDS, (i) => items.countDocuments({ tenantId: `tenant-${i % TENANTS}` }));
    measured.push(row);
    if (size !== SCALE_SIZES[SCALE_SIZES.length - 1]) await items.drop();
  }
  console.log(`indexed reads, median of ${SCALE_ROUNDS} sequential calls (ms):`);
  const [small, large] = measured;
  for (const k of ['findOne', 'page', 'count']) {
    const label = { findOne: 'findOne by {tenantId, sku}', page: 'page 1 of a tenant by createdAt (20)', count: 'countDocuments of a tenant' }[k]!;
    console.log(`  ${label.padEnd(40)} ${small[k].toFixed(2).padStart(7)} @1k  ${large[k].toFixed(2).padStart(7)} @100k  ${(large[k] / small[k]).toFixed(2)}x`);
  }
  if (bytesPerDoc) {
    console.log(`memory per stored document after 100 k inserts (after GC${(globalThis as { gc?: unknown }).gc ? '' : ' — run with --expose-gc for exact numbers'}): heap ${Math.round(bytesPerDoc.heap)} B, RSS ${Math.round(bytesPerDoc.rss)} B; a full GC then takes ${bytesPerDoc.gcMs.toFixed(0)} ms`);
  } else {
    console.log('memory per document: measured only with the in-process emulator (unset BENCH_URI)');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
