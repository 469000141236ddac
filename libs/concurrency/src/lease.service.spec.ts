import { MongooseModule, getModelToken } from '@nestjs/mongoose';
import { MongoEmulator } from '@app/mongo-emulator';
import { Model, Schema } from 'mongoose';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrencyModels } from './concurrency-models';
import { LeaseUnavailableError, StaleFencingTokenError } from './errors';
import { Lease, LeaseService } from './lease.service';
import { assertDistinct, expectCounts, race } from './testing';
import { startTestApp, TestApp } from './testing/test-app';
import { TransactionRunner } from './transaction-runner';

/** The app's runner, set once the test app is up (the spec's services use it too). */
let transactions: TransactionRunner;

interface Report { _id: string; writtenBy: string; writes: number }
const ReportSchema = new Schema<Report>({ _id: String, writtenBy: String, writes: Number }, { versionKey: false });

describe(LeaseService.name, () => {
  let emu: MongoEmulator;
  let t: TestApp;
  let leases: LeaseService;
  let reports: Model<Report>;

  beforeAll(async () => {
    emu = await MongoEmulator.start();
    t = await startTestApp({ uri: emu.uri, listen: false, imports: [MongooseModule.forFeature([{ name: 'Report', schema: ReportSchema }])] });
    transactions = t.app.get(TransactionRunner);
    leases = t.app.get(LeaseService);
    reports = t.app.get(getModelToken('Report'));
  });
  afterAll(async () => {
    await t?.close();
    await emu?.stop();
  });

  it('20 concurrent acquirers of a free resource: exactly one gets it', async () => {
    const r = await race(20, (i) => leases.acquire({ resource: 'job:a', owner: `w${i}`, ttlMs: 10_000 }));
    expectCounts(r, { ok: 20 });
    const holders = r.values().filter((l): l is Lease => l !== null);
    assert.equal(holders.length, 1);
    assert.equal(holders[0].token, 1);
  });

  it('control: check-then-claim lets several holders in', async () => {
    const raw = t.connection.collection<{ _id: string; owner: string; expiresAt: Date }>('naive_leases');
    const r = await race(20, async (i) => {
      const cur = await raw.findOne({ _id: 'job' });
      if (cur && cur.expiresAt > new Date()) return null;
      await raw.updateOne({ _id: 'job' }, { $set: { owner: `w${i}`, expiresAt: new Date(Date.now() + 10_000) } }, { upsert: true });
      return `w${i}`;
    });
    assert.ok(r.values().filter((v) => v !== null).length > 1);
  });

  it('an expired lease is taken over by exactly one of many, with a higher fencing token', async () => {
    const first = await leases.acquire({ resource: 'job:b', owner: 'old', ttlMs: 400 });
    assert.ok(first);
    assert.equal(await leases.acquire({ resource: 'job:b', owner: 'early', ttlMs: 100 }), null, 'a live lease cannot be taken');
    await sleep(450);
    const r = await race(20, (i) => leases.acquire({ resource: 'job:b', owner: `n${i}`, ttlMs: 10_000 }));
    const winners = r.values().filter((l): l is Lease => l !== null);
    assert.equal(winners.length, 1);
    assert.ok(winners[0].token > first.token);
    assert.equal(await leases.renew({ lease: first, ttlMs: 100 }), false, 'the old holder cannot renew');
  });

  it('tokens grow monotonically across release and re-acquire', async () => {
    const tokens: number[] = [];
    for (let i = 0; i < 5; i++) {
      const l = await leases.acquire({ resource: 'job:c', owner: `o${i}`, ttlMs: 10_000 });
      assert.ok(l);
      tokens.push(l.token);
      assert.equal(await leases.release({ lease: l }), true);
    }
    assertDistinct(tokens);
    assert.deepEqual(tokens, [...tokens].sort((a, b) => a - b));
  });

  it('a stale fencing token is rejected and its transaction writes nothing', async () => {
    await reports.create({ _id: 'r1', writtenBy: 'nobody', writes: 0 });
    const stale = await leases.acquire({ resource: 'report:r1', owner: 'A', ttlMs: 80 });
    assert.ok(stale);
    await sleep(120);
    const fresh = await leases.acquire({ resource: 'report:r1', owner: 'B', ttlMs: 10_000 });
    assert.ok(fresh);
    const guardedWrite = (lease: Lease) =>
      transactions.run(async () => {
        await reports.updateOne({ _id: 'r1' }, { $set: { writtenBy: lease.owner }, $inc: { writes: 1 } });
        await leases.fence({ resource: lease.resource, token: lease.token });
      });
    await assert.rejects(guardedWrite(stale), StaleFencingTokenError);
    await guardedWrite(fresh);
    const doc = await reports.findById('r1').lean();
    assert.deepEqual({ writtenBy: doc?.writtenBy, writes: doc?.writes }, { writtenBy: 'B', writes: 1 });
    await assert.rejects(leases.fence({ resource: 'report:r1', token: fresh.token }), /inside a transaction/);
  });

  it('a takeover racing an in-flight fenced transaction: the stale write never lands after the successor\'s fenced write', async () => {
    await reports.create({ _id: 'r2', writtenBy: 'nobody', writes: 0 });
    const a = await leases.acquire({ resource: 'report:r2', owner: 'A', ttlMs: 50 });
    assert.ok(a);
    await sleep(60);
    let aCommitted = false;
    const aWrite = transactions
      .run(async () => {
        await leases.fence({ resource: a.resource, token: a.token });
        await sleep(80);
        await reports.updateOne({ _id: 'r2' }, { $set: { writtenBy: 'A' } });
      }, { maxRetryTimeMs: 500 })
      .then(() => (aCommitted = true), () => undefined);
    await sleep(20);
    const b = await leases.acquire({ resource: 'report:r2', owner: 'B', ttlMs: 10_000 });
    await aWrite;
    assert.ok(b && b.token > a.token);
    // A's transaction either committed before the takeover applied or was refused; after it, A is fenced out.
    const before = (await reports.findById('r2').lean())?.writtenBy;
    assert.equal(before, aCommitted ? 'A' : 'nobody');
    await assert.rejects(transactions.run(async () => {
      await reports.updateOne({ _id: 'r2' }, { $set: { writtenBy: 'A-late' } });
      await leases.fence({ resource: a.resource, token: a.token });
    }), StaleFencingTokenError);
    assert.equal((await reports.findById('r2').lean())?.writtenBy, before);
  });

  it('a transaction a dead holder left open does not hold the lease: the takeover is immediate, fenced writes serialise', async () => {
    const a = await leases.acquire({ resource: 'relay:x', owner: 'dead', ttlMs: 50 });
    assert.ok(a);
    // The dead holder's fenced transaction: opened, fenced, never committed (its process was killed).
    let kill!: (e: Error) => void;
    const killed = new Promise<never>((_, reject) => (kill = reject));
    let fenced!: () => void;
    const hasFenced = new Promise<void>((resolve) => (fenced = resolve));
    const dead = transactions
      .run(async () => {
        await leases.fence({ resource: a.resource, token: a.token });
        fenced();
        await killed;
      }, { maxRetryTimeMs: 0 })
      .catch(() => undefined);
    await hasFenced;
    await sleep(80);

    // Before: the takeover waited for that transaction (60 s, the server's lifetime limit).
    const b = await Promise.race([leases.acquire({ resource: 'relay:x', owner: 'survivor', ttlMs: 10_000 }), sleep(5_000).then(() => 'blocked' as const)]);
    if (b === 'blocked') assert.fail('the takeover waited for the dead holder\'s transaction');
    assert.ok(b && b.token > a.token);
    // The successor's fenced writes conflict with the open one (bounded by the lifetime limit)...
    await assert.rejects(transactions.run(() => leases.fence({ resource: b.resource, token: b.token }), { maxRetryTimeMs: 100 }));
    kill(new Error('killed'));
    await dead;
    // ...and go through once it is gone; the dead holder's token is fenced out.
    await transactions.run(() => leases.fence({ resource: b.resource, token: b.token }));
    await assert.rejects(transactions.run(() => leases.fence({ resource: a.resource, token: a.token })), StaleFencingTokenError);
  });

  it('withLease runs fn while holding, renews, releases; a second caller gets 409 lease-unavailable', async () => {
    let inside = 0;
    const first = leases.withLease({ resource: 'job:d', ttlMs: 300 }, async (lease) => {
      inside++;
      await sleep(800);
      assert.equal(lease.signal.aborted, false, 'renewal keeps the lease alive past its ttl');
      return lease.token;
    });
    await sleep(20);
    await assert.rejects(leases.withLease({ resource: 'job:d', ttlMs: 300, owner: 'other' }, async () => inside++), LeaseUnavailableError);
    await sleep(500);
    await assert.rejects(leases.withLease({ resource: 'job:d', ttlMs: 300, owner: 'other' }, async () => inside++), LeaseUnavailableError);
    const token = await first;
    assert.equal(inside, 1);
    const next = await leases.withLease({ resource: 'job:d', ttlMs: 300, owner: 'other' }, async (l) => l.token);
    assert.ok(next > token);
    const doc = await t.app.get(ConcurrencyModels).leases.findById('job:d').lean();
    assert.ok(doc && doc.expiresAt.getTime() <= Date.now(), 'released');
  });
});
