import { MongoEmulator } from '@app/mongo-emulator';
import { MessageEvent } from '@nestjs/common';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { Model, Schema } from 'mongoose';
import { register } from 'prom-client';
import { Subscription } from 'rxjs';
import { ConcurrencyModels } from './concurrency-models';
import { CONCURRENCY_OPTIONS, ResolvedConcurrencyOptions } from './concurrency.options';
import { TransactionPropagationError } from './errors';
import { LeaseService } from './lease.service';
import { OutboxRelay } from './outbox-relay';
import { OutboxEvent, OutboxService } from './outbox.service';
import { SequencesService } from './sequences.service';
import { eventually } from './testing';
import { startTestApp, TestApp } from './testing/test-app';
import { TransactionRunner } from './transaction-runner';

/** The app's runner, set once the test app is up (the spec's services use it too). */
let transactions: TransactionRunner;

describe(OutboxService.name, () => {
  let emu: MongoEmulator;
  let t: TestApp;
  let outbox: OutboxService;
  let relay: OutboxRelay;
  let models: ConcurrencyModels;

  beforeAll(async () => {
    emu = await MongoEmulator.start();
    t = await startTestApp({ uri: emu.uri, listen: false, concurrency: { outbox: { enabled: true, pollIntervalMs: 50, leaseTtlMs: 1000 } } });
    transactions = t.app.get(TransactionRunner);
    outbox = t.app.get(OutboxService);
    relay = t.app.get(OutboxRelay);
    models = t.app.get(ConcurrencyModels);
  });
  afterAll(async () => {
    await t?.close();
    await emu?.stop();
  });

  const secondRelay = () =>
    new OutboxRelay(models, outbox, t.app.get(LeaseService), t.app.get(SequencesService), t.app.get<ResolvedConcurrencyOptions>(CONCURRENCY_OPTIONS), transactions);

  it('add() requires the caller’s transaction; a rolled-back transaction leaves no event', async () => {
    await assert.rejects(outbox.add({ type: 'x', tenantId: 't', payload: {} }), TransactionPropagationError);
    await assert.rejects(
      transactions.run(async () => {
        await outbox.add({ type: 'rolled.back', tenantId: 't', payload: {} });
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.equal(await models.outbox.countDocuments({ type: 'rolled.back' }), 0);
  });

  it('delivers each committed event once, with a stable id, while only one of two relays holds the lease', async () => {
    const seen: OutboxEvent[] = [];
    const unsubscribe = outbox.subscribe({ name: 'counter', types: ['order.placed'], handler: async (e) => void seen.push(e) });
    const other = secondRelay();
    other.start();
    try {
      for (let i = 0; i < 20; i++) await transactions.run(() => outbox.add({ type: 'order.placed', tenantId: 't1', payload: { i }, aggregateId: `o${i}` }));
      await eventually(async () => assert.equal(await models.outbox.countDocuments({ type: 'order.placed', status: 'delivered' }), 20));
      await sleep(200);
      assert.equal(seen.length, 20, 'no event delivered twice without a crash');
      assert.equal(new Set(seen.map((e) => e.id)).size, 20);
      assert.deepEqual(seen.map((e) => (e.payload as { i: number }).i), Array.from({ length: 20 }, (_, i) => i), 'in commit order');
    } finally {
      unsubscribe();
      await other.stop();
    }
  });

  it('a relay crash between delivery and marking → redelivery, and the idempotent subscriber applies the effect once', async () => {
    const ledger = t.connection.models.LedgerEntry ?? t.connection.model('LedgerEntry', new Schema({ eventId: String }));
    let invocations = 0;
    let crashed = false;
    const unsubscribe = outbox.subscribe({
      name: 'ledger',
      types: ['payment.captured'],
      handler: async (e) => {
        invocations++;
        await outbox.processOnce({ eventId: e.id, subscriber: 'ledger' }, () => ledger.create({ eventId: e.id }));
        if (!crashed) {
          crashed = true;
          relay.simulateCrash();
        }
      },
    });
    const successor = secondRelay();
    try {
      await transactions.run(() => outbox.add({ type: 'payment.captured', tenantId: 't1', payload: { amount: 100 } }));
      await eventually(() => assert.equal(relay.isRunning, false));
      assert.equal(await models.outbox.countDocuments({ type: 'payment.captured', status: 'delivered' }), 0, 'the crash happened before marking');
      successor.start();
      await eventually(async () => assert.equal(await models.outbox.countDocuments({ type: 'payment.captured', status: 'delivered' }), 1), { timeoutMs: 5000 });
      assert.equal(invocations, 2, 'the event was redelivered');
      assert.equal(await ledger.countDocuments(), 1, 'the effect happened once');
    } finally {
      unsubscribe();
      await successor.stop();
      await relay.stop();
      relay.start();
    }
  });

  it('control: a subscriber without processOnce applies a redelivered event twice', async () => {
    const raw = t.connection.collection('raw_effects');
    let crashed = false;
    const unsubscribe = outbox.subscribe({
      name: 'naive',
      types: ['naive.evt'],
      handler: async () => {
        await raw.insertOne({ at: new Date() });
        if (!crashed) {
          crashed = true;
          relay.simulateCrash();
        }
      },
    });
    const successor = secondRelay();
    try {
      await transactions.run(() => outbox.add({ type: 'naive.evt', tenantId: 't1', payload: {} }));
      await eventually(() => assert.equal(relay.isRunning, false));
      successor.start();
      await eventually(async () => assert.equal(await models.outbox.countDocuments({ type: 'naive.evt', status: 'delivered' }), 1), { timeoutMs: 5000 });
      assert.equal(await raw.countDocuments(), 2);
    } finally {
      unsubscribe();
      await successor.stop();
      await relay.stop();
      relay.start();
    }
  });

  it('stream(): the tenant’s events in order, resumable by Last-Event-ID, never skipping an event that committed late', async () => {
    const received: MessageEvent[] = [];
    const sub: Subscription = outbox.stream({ tenantId: 'sse', pollIntervalMs: 30 }).subscribe((e) => received.push(e));
    try {
      // e1 is created first but commits last.
      let releaseLate!: () => void;
      const lateGate = new Promise<void>((r) => (releaseLate = r));
      const late = transactions.run(async () => {
        await outbox.add({ type: 'late', tenantId: 'sse', payload: { n: 1 } });
        await lateGate;
      });
      await sleep(30);
      await transactions.run(() => outbox.add({ type: 'early', tenantId: 'sse', payload: { n: 2 } }));
      await transactions.run(() => outbox.add({ type: 'other-tenant', tenantId: 'someone-else', payload: {} }));
      await transactions.run(() => outbox.add({ type: 'internal', tenantId: 'sse', payload: {}, internal: true }));
      await eventually(() => assert.equal(received.length, 1));
      const resumeFrom = String(received[0].id);
      assert.equal(received[0].type, 'early');
      releaseLate();
      await late;
      await eventually(() => assert.equal(received.length, 2));
      assert.deepEqual(received.map((e) => e.type), ['early', 'late']);
      assert.ok(Number(received[1].id) > Number(received[0].id));

      // A client that disconnected after "early" resumes with Last-Event-ID and still gets "late".
      const resumed: MessageEvent[] = [];
      const sub2 = outbox.stream({ tenantId: 'sse', afterId: resumeFrom, pollIntervalMs: 30 }).subscribe((e) => resumed.push(e));
      await eventually(() => assert.equal(resumed.length, 1));
      sub2.unsubscribe();
      assert.equal(resumed[0].type, 'late');
      assert.deepEqual((resumed[0].data as { payload: unknown }).payload, { n: 1 });
      assert.ok(received.every((e) => e.type !== 'other-tenant'));
      // Internal events reach subscribers but never the tenant's stream.
      assert.ok(received.every((e) => e.type !== 'internal'));
    } finally {
      sub.unsubscribe();
    }
  });

  it('a subscriber that keeps failing: retried, then dead after maxAttempts (kept, counted, never retried again)', async () => {
    await relay.stop();
    const options = t.app.get<ResolvedConcurrencyOptions>(CONCURRENCY_OPTIONS);
    const strict = new OutboxRelay(models, outbox, t.app.get(LeaseService), t.app.get(SequencesService), { ...options, outbox: { ...options.outbox, maxAttempts: 3 } }, transactions);
    let calls = 0;
    const unsubscribe = outbox.subscribe({ name: 'poisoned', types: ['poison.pill'], handler: async () => void (calls++, assert.fail('cannot handle this')) });
    const deadBefore = await metricValue('outbox_events_dead_total', { type: 'poison.pill' });
    try {
      await transactions.run(() => outbox.add({ type: 'poison.pill', tenantId: 't1', payload: {} }));
      strict.start();
      await eventually(
        async () => {
          // Time passes: each backoff is over at once.
          await models.outbox.updateOne({ type: 'poison.pill', status: 'pending' }, { $set: { nextAttemptAt: new Date(0) } });
          assert.equal((await models.outbox.findOne({ type: 'poison.pill' }).lean())?.status, 'dead');
        },
        { timeoutMs: 10_000 },
      );
      await sleep(200);
      const doc = await models.outbox.findOne({ type: 'poison.pill' }).lean();
      assert.equal(doc?.status, 'dead');
      assert.equal(doc?.attempts, 3);
      assert.equal(calls, 3, 'a dead event is not retried');
      assert.match(doc?.lastError ?? '', /poisoned: .*cannot handle this/);
      assert.equal(doc?.purgeAt, undefined, 'a dead event is kept for an operator');
      assert.equal(await metricValue('outbox_events_dead_total', { type: 'poison.pill' }), deadBefore + 1);
    } finally {
      unsubscribe();
      await strict.stop();
      relay.start();
    }
  });

  it('delivered events and processed markers expire after the retention (TTL), so the outbox does not grow forever', async () => {
    const { retentionSeconds } = t.app.get<ResolvedConcurrencyOptions>(CONCURRENCY_OPTIONS).outbox;
    const unsubscribe = outbox.subscribe({ name: 'keeper', types: ['kept.evt'], handler: (e) => outbox.processOnce({ eventId: e.id, subscriber: 'keeper' }, async () => undefined).then(() => undefined) });
    try {
      const id = await transactions.run(() => outbox.add({ type: 'kept.evt', tenantId: 't1', payload: {} }));
      await eventually(async () => assert.equal((await models.outbox.findById(id).lean())?.status, 'delivered'));
      const event = await models.outbox.findById(id).lean();
      const marker = await models.processedEvents.findById(`keeper:${id}`).lean();
      assert.equal(event?.purgeAt?.getTime(), event!.deliveredAt!.getTime() + retentionSeconds * 1000);
      assert.equal(marker?.purgeAt?.getTime(), marker!.processedAt.getTime() + retentionSeconds * 1000);
      for (const model of [models.outbox, models.processedEvents] as Model<unknown>[]) {
        const indexes = await model.collection.indexes();
        assert.ok(indexes.some((ix) => ix.key.purgeAt === 1 && ix.expireAfterSeconds === 0), `TTL index on ${model.collection.collectionName}.purgeAt`);
      }
      // The retention is over: the server's TTL monitor removes both.
      await models.outbox.updateOne({ _id: id }, { $set: { purgeAt: new Date(Date.now() - 1000) } });
      await models.processedEvents.updateOne({ _id: `keeper:${id}` }, { $set: { purgeAt: new Date(Date.now() - 1000) } });
      await eventually(async () => {
        assert.equal(await models.outbox.countDocuments({ _id: id }), 0);
        assert.equal(await models.processedEvents.countDocuments({ _id: `keeper:${id}` }), 0);
      });
    } finally {
      unsubscribe();
    }
  });
});

async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
}
