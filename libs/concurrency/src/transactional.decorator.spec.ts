import { Injectable } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import { MongoEmulator } from '@app/mongo-emulator';
import { MongoServerError } from 'mongodb';
import { Model, Schema } from 'mongoose';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { ContentionError, TransactionPropagationError } from './errors';
import { concurrencyMetrics } from './metrics';
import { Propagation } from './propagation';
import { race, expectCounts } from './testing';
import { startTestApp, TestApp } from './testing/test-app';
import { TransactionRunner } from './transaction-runner';
import { Transactional } from './transactional.decorator';

/** The app's runner, set once the test app is up (the spec's services use it too). */
let transactions: TransactionRunner;

interface Hot { _id: string; n: number; log: string[] }
interface Entry { tag: string }
const HotSchema = new Schema<Hot>({ _id: String, n: Number, log: [String] }, { versionKey: false });
const EntrySchema = new Schema<Entry>({ tag: String }, { versionKey: false });

const attempts = new Map<string, number>();
const count = (tag: string) => attempts.set(tag, (attempts.get(tag) ?? 0) + 1);

@Injectable()
class HotService {
  constructor(@InjectModel('Hot') readonly hot: Model<Hot>, @InjectModel('Entry') readonly entries: Model<Entry>) {}

  /** A naive read-modify-write: correct only because the transaction re-runs it on conflict. */
  @Transactional()
  async bump(tag: string, holdMs = 0, written?: () => void): Promise<number> {
    count(tag);
    const doc = await this.hot.findById('hot').lean();
    const n = (doc?.n ?? 0) + 1;
    await this.hot.updateOne({ _id: 'hot' }, { $set: { n }, $push: { log: tag } });
    await this.entries.create({ tag });
    written?.();
    if (holdMs) await sleep(holdMs);
    return n;
  }

  /** The same code without a transaction: the control that must lose updates. */
  async bumpNaive(tag: string, holdMs = 0): Promise<void> {
    const doc = await this.hot.findById('hot').lean();
    if (holdMs) await sleep(holdMs);
    await this.hot.updateOne({ _id: 'hot' }, { $set: { n: (doc?.n ?? 0) + 1 }, $push: { log: tag } });
  }

  @Transactional({ maxRetryTimeMs: 150 })
  async bumpImpatient(): Promise<void> {
    await this.hot.updateOne({ _id: 'hot' }, { $inc: { n: 1 } });
  }

  @Transactional()
  async writeManyThenFail(fail: boolean): Promise<{ inside: number; aggregated: number }> {
    await this.entries.create({ tag: 'create' });
    await this.entries.insertMany([{ tag: 'insertMany-1' }, { tag: 'insertMany-2' }]);
    await this.entries.bulkWrite([{ insertOne: { document: { tag: 'bulk' } } }]);
    await this.hot.findOneAndUpdate({ _id: 'hot' }, { $inc: { n: 10 } });
    await this.hot.updateOne({ _id: 'hot' }, { $push: { log: 'updateOne' } });
    const inside = await this.entries.countDocuments();
    const [agg] = await this.entries.aggregate<{ c: number }>([{ $count: 'c' }]);
    const outside = await transactions.suspend(() => this.entries.countDocuments());
    assert.equal(outside, 0, 'uncommitted writes must not be visible outside the transaction');
    if (fail) throw new Error('rollback please');
    return { inside, aggregated: agg?.c ?? 0 };
  }

  @Transactional()
  async outer(mode: 'required' | 'new', fail: boolean): Promise<void> {
    await this.entries.create({ tag: 'outer' });
    if (mode === 'required') await this.innerRequired();
    else await this.innerNew();
    if (fail) throw new Error('outer fails');
  }

  @Transactional()
  async innerRequired(): Promise<void> {
    // Joined: sees the outer's uncommitted write.
    assert.equal(await this.entries.countDocuments({ tag: 'outer' }), 1);
    await this.entries.create({ tag: 'inner' });
  }

  @Transactional({ propagation: Propagation.REQUIRES_NEW })
  async innerNew(): Promise<void> {
    // Independent: its snapshot does not contain the outer's uncommitted write.
    assert.equal(await this.entries.countDocuments({ tag: 'outer' }), 0);
    await this.entries.create({ tag: 'inner' });
  }

  @Transactional({ propagation: Propagation.MANDATORY })
  async mandatory(): Promise<string> {
    return 'ok';
  }

  @Transactional({ propagation: Propagation.NEVER })
  async never(): Promise<string> {
    return 'ok';
  }

  @Transactional()
  async callsNever(): Promise<string> {
    return this.never();
  }

  @Transactional()
  async callsMandatory(): Promise<string> {
    return this.mandatory();
  }

  @Transactional()
  async nonTransientFailure(): Promise<void> {
    count('non-transient');
    await this.entries.create({ tag: 'x' });
    throw new RangeError('business rule');
  }

  @Transactional()
  async withHook(tag: string, hook: () => void): Promise<void> {
    count(tag);
    transactions.afterCommit(hook);
    await this.hot.updateOne({ _id: 'hot' }, { $inc: { n: 1 } });
  }
}

/** Starts a transaction that writes the hot document and holds it open for `holdMs`; resolves once it wrote. */
function holdHot(svc: HotService, tag: string, holdMs: number): { written: Promise<void>; done: Promise<number> } {
  let signal!: () => void;
  const written = new Promise<void>((r) => (signal = r));
  const done = svc.bump(tag, holdMs, signal);
  return { written, done };
}

describe('Transactional', () => {
  let emu: MongoEmulator;
  let t: TestApp;
  let svc: HotService;

  beforeAll(async () => {
    emu = await MongoEmulator.start();
    t = await startTestApp({
      uri: emu.uri,
      listen: false,
      imports: [MongooseModule.forFeature([{ name: 'Hot', schema: HotSchema }, { name: 'Entry', schema: EntrySchema }])],
      providers: [HotService],
    });
    transactions = t.app.get(TransactionRunner);
    svc = t.app.get(HotService);
  });
  afterAll(async () => {
    await t?.close();
    await emu?.stop();
  });
  beforeEach(async () => {
    attempts.clear();
    await svc.hot.deleteMany({});
    await svc.entries.deleteMany({});
    await svc.hot.create({ _id: 'hot', n: 0, log: [] });
  });

  it('control: the same read-modify-write without a transaction loses an update', async () => {
    await Promise.all([svc.bumpNaive('a', 50), svc.bumpNaive('b', 50)]);
    const doc = await svc.hot.findById('hot').lean();
    assert.equal(doc?.n, 1, 'the naive version must lose one of the two increments');
  });

  it('two concurrent calls writing one document: one is retried, both effects land exactly once', async () => {
    const retried = (await concurrencyMetrics.transactionsRetried.get()).values.find((v) => v.labels.name === 'HotService.bump')?.value ?? 0;
    const first = holdHot(svc, 'a', 150);
    await first.written;
    const second = svc.bump('b');
    const results = await Promise.all([first.done, second]);
    assert.deepEqual(results.sort(), [1, 2]);
    const doc = await svc.hot.findById('hot').lean();
    assert.equal(doc?.n, 2);
    assert.deepEqual([...(doc?.log ?? [])].sort(), ['a', 'b']);
    assert.equal(await svc.entries.countDocuments(), 2, 'the insert of the retried attempt must not be duplicated');
    assert.equal(attempts.get('a'), 1);
    assert.ok((attempts.get('b') ?? 0) >= 2, 'the second transaction must have been re-run');
    const retriedNow = (await concurrencyMetrics.transactionsRetried.get()).values.find((v) => v.labels.name === 'HotService.bump')?.value ?? 0;
    assert.ok(retriedNow > retried, 'transactions_retried_total must count the retry');
  });

  it('150 concurrent transactions on one hot document all succeed, each exactly once', async () => {
    const r = await race(150, (i) => svc.bump(`t${i}`));
    expectCounts(r, { ok: 150 });
    const doc = await svc.hot.findById('hot').lean();
    assert.equal(doc?.n, 150);
    assert.equal(new Set(doc?.log).size, 150);
    assert.equal(await svc.entries.countDocuments(), 150);
    assert.deepEqual([...r.values()].sort((a, b) => a - b), Array.from({ length: 150 }, (_, i) => i + 1));
  });

  it('a throw rolls back every write of the method; every mongoose operation joined the transaction', async () => {
    await assert.rejects(svc.writeManyThenFail(true), /rollback please/);
    assert.equal(await svc.entries.countDocuments(), 0);
    const doc = await svc.hot.findById('hot').lean();
    assert.equal(doc?.n, 0);
    assert.deepEqual(doc?.log, []);

    const seen = await svc.writeManyThenFail(false);
    assert.deepEqual(seen, { inside: 4, aggregated: 4 }, 'countDocuments and aggregate must read inside the transaction');
    assert.equal(await svc.entries.countDocuments(), 4);
    assert.equal((await svc.hot.findById('hot').lean())?.n, 10);
  });

  it('nested REQUIRED joins the outer transaction and rolls back with it', async () => {
    await assert.rejects(svc.outer('required', true), /outer fails/);
    assert.equal(await svc.entries.countDocuments(), 0);
    await svc.outer('required', false);
    assert.equal(await svc.entries.countDocuments(), 2);
  });

  it('REQUIRES_NEW commits on its own even when the outer transaction rolls back', async () => {
    await assert.rejects(svc.outer('new', true), /outer fails/);
    assert.deepEqual((await svc.entries.find().lean()).map((e) => e.tag), ['inner']);
  });

  it('MANDATORY throws outside a transaction and joins inside; NEVER throws inside one', async () => {
    await assert.rejects(svc.mandatory(), TransactionPropagationError);
    assert.equal(await svc.callsMandatory(), 'ok');
    assert.equal(await svc.never(), 'ok');
    await assert.rejects(svc.callsNever(), TransactionPropagationError);
  });

  it('a non-transient error aborts at once and is rethrown without a retry', async () => {
    await assert.rejects(svc.nonTransientFailure(), RangeError);
    assert.equal(attempts.get('non-transient'), 1);
    assert.equal(await svc.entries.countDocuments(), 0);
  });

  it('gives up with 409 contention once maxRetryTimeMs is exhausted', async () => {
    const holder = holdHot(svc, 'holder', 1000);
    await holder.written;
    const started = Date.now();
    await assert.rejects(svc.bumpImpatient(), (e: unknown) => e instanceof ContentionError && e.status === 409 && e.headers['retry-after'] === '1');
    assert.ok(Date.now() - started < 900, 'must give up at the bound, not wait for the holder');
    await holder.done;
  });

  it('retries only the commit on UnknownTransactionCommitResult', async () => {
    const connection = t.connection;
    const original = connection.startSession.bind(connection);
    let commits = 0;
    (connection as { startSession: typeof connection.startSession }).startSession = async (...args) => {
      const session = await original(...args);
      const commit = session.commitTransaction.bind(session);
      session.commitTransaction = async () => {
        commits++;
        if (commits === 1) {
          const e = new MongoServerError({ message: 'network blip during commit', code: 91 });
          e.addErrorLabel('UnknownTransactionCommitResult');
          throw e;
        }
        return commit();
      };
      return session;
    };
    try {
      await svc.bump('commit-retry');
    } finally {
      (connection as { startSession: typeof connection.startSession }).startSession = original;
    }
    assert.equal(commits, 2);
    assert.equal(attempts.get('commit-retry'), 1, 'the body must not re-run for a commit-only retry');
    assert.equal((await svc.hot.findById('hot').lean())?.n, 1);
  });

  it('afterCommit hooks run once, after the commit, never for aborted attempts', async () => {
    let calls = 0;
    const holder = holdHot(svc, 'holder', 150);
    await holder.written;
    await svc.withHook('hooked', () => calls++);
    await holder.done;
    assert.ok((attempts.get('hooked') ?? 0) >= 2);
    assert.equal(calls, 1);
  });

  it('exports started/committed/aborted counters and a duration histogram by name', async () => {
    await svc.bump('m');
    await assert.rejects(svc.nonTransientFailure());
    const get = async (m: { get(): Promise<{ values: Array<{ labels: Record<string, unknown>; value: number }> }> }, name: string) =>
      (await m.get()).values.filter((v) => v.labels.name === name).reduce((s, v) => s + v.value, 0);
    assert.ok((await get(concurrencyMetrics.transactionsStarted, 'HotService.bump')) >= 1);
    assert.ok((await get(concurrencyMetrics.transactionsCommitted, 'HotService.bump')) >= 1);
    assert.ok((await get(concurrencyMetrics.transactionsAborted, 'HotService.nonTransientFailure')) >= 1);
    const hist = (await concurrencyMetrics.transactionDuration.get()).values.filter((v) => v.labels.name === 'HotService.bump' && v.metricName === 'transaction_duration_seconds_count');
    assert.ok(hist.length > 0);
  });
});
