import { getModelToken, MongooseModule } from '@nestjs/mongoose';
import { MongoEmulator } from '@app/mongo-emulator';
import { Model, Schema } from 'mongoose';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, it } from '@jest/globals';
import { ContentionError } from './errors';
import { concurrencyMetrics } from './metrics';
import { isDuplicateKeyError } from './mongo-errors';
import { assertConsecutive, assertDistinct, expectCounts, race } from './testing';
import { startTestApp, TestApp } from './testing/test-app';
import { TransactionRunner } from './transaction-runner';
import { insertWithUniqueRetry } from './unique-retry';

/** The app's runner, set once the test app is up (the spec's services use it too). */
let transactions: TransactionRunner;

interface Ticket { tenantId: string; seq: number; title: string }
const TicketSchema = new Schema<Ticket>({ tenantId: String, seq: Number, title: String });
TicketSchema.index({ tenantId: 1, seq: 1 }, { unique: true });
TicketSchema.index({ tenantId: 1, title: 1 }, { unique: true });

describe(insertWithUniqueRetry.name, () => {
  let emu: MongoEmulator;
  let t: TestApp;
  let tickets: Model<Ticket>;

  beforeAll(async () => {
    emu = await MongoEmulator.start();
    t = await startTestApp({ uri: emu.uri, listen: false, imports: [MongooseModule.forFeature([{ name: 'Ticket', schema: TicketSchema }])] });
    transactions = t.app.get(TransactionRunner);
    tickets = t.app.get(getModelToken('Ticket'));
    await tickets.init();
  });
  afterAll(async () => {
    await t?.close();
    await emu?.stop();
  });
  beforeEach(() => tickets.deleteMany({}));

  /** Candidate = highest seq + 1: collides under concurrency; the unique index decides. */
  const insertNext = (title: string) => async () => {
    const last = await tickets.findOne({ tenantId: 't1' }).sort({ seq: -1 }).lean();
    const doc = await tickets.create({ tenantId: 't1', seq: (last?.seq ?? 0) + 1, title });
    return doc.seq;
  };

  it('12 concurrent max+1 inserts all succeed with distinct consecutive numbers; retries are counted', async () => {
    const before = (await concurrencyMetrics.uniqueRetries.get()).values.find((v) => v.labels.name === 'ticket')?.value ?? 0;
    const r = await race(12, (i) => insertWithUniqueRetry(insertNext(`t${i}`), { maxAttempts: 30, baseDelayMs: 5, fields: ['seq'], name: 'ticket' }));
    expectCounts(r, { ok: 12 });
    assertConsecutive(r.values(), 1);
    const after = (await concurrencyMetrics.uniqueRetries.get()).values.find((v) => v.labels.name === 'ticket')?.value ?? 0;
    assert.ok(after > before, 'unique_insert_retries_total must count the retries');
  });

  it('control: without the retry the same inserts fail with duplicate keys', async () => {
    const r = await race(20, (i) => insertNext(`c${i}`)());
    assert.ok(r.with('error').some((o) => isDuplicateKeyError(o.error)), JSON.stringify(r.counts));
  });

  it('exhausted attempts → 409 contention; a duplicate on another field is rethrown untouched', async () => {
    await tickets.create({ tenantId: 't1', seq: 1, title: 'taken' });
    let calls = 0;
    await assert.rejects(
      insertWithUniqueRetry(async () => {
        calls++;
        return tickets.create({ tenantId: 't1', seq: 1, title: `x${calls}` });
      }, { maxAttempts: 3, baseDelayMs: 1 }),
      (e: unknown) => e instanceof ContentionError && e.status === 409,
    );
    assert.equal(calls, 3);
    await assert.rejects(insertWithUniqueRetry(() => tickets.create({ tenantId: 't1', seq: 99, title: 'taken' }), { fields: ['seq'] }), (e: unknown) => isDuplicateKeyError(e));
  });

  it('inside a transaction, a duplicate re-runs the whole transaction with the next attempt number', async () => {
    await tickets.create({ tenantId: 't1', seq: 1, title: 'first' });
    const seen: number[] = [];
    const seq = await transactions.run(() =>
      insertWithUniqueRetry(async (attempt) => {
        seen.push(attempt);
        const doc = await tickets.create({ tenantId: 't1', seq: 1 + attempt, title: `tx${attempt}` });
        return doc.seq;
      }, { maxAttempts: 5 }),
    );
    assert.equal(seq, 2);
    assert.deepEqual(seen, [0, 1]);
    assertDistinct((await tickets.find().lean()).map((d) => d.seq));
  });
});
