/**
 * Transient database faults during the domain races (issue 17 items 2-4): the driver's
 * network errors, a cleared pool, an unknown commit result, a lock held by a dead instance's
 * transaction and an unreachable database must never surface as 500. What the drivers' transactions spec calls retryable is retried
 * (the whole transaction, or the commit alone); what cannot be is 503 `database-unavailable`
 * with Retry-After. The invariants are checked after every fault.
 */
import { afterAll, beforeAll, beforeEach, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { getConnectionToken } from '@nestjs/mongoose';
import { eventually, expectCounts, race } from '@app/concurrency/testing';
import { MongoEmulator } from '@app/mongo-emulator';
import { Connection, Types } from 'mongoose';
import { startEmbeddedMongo, stopEmbeddedMongo } from '../../src/common/database/embedded-mongo';
import { createTestContext, TestContext, TestTenant } from '../support/context';
import { assertReconciled, FINANCE, getAccount, newAccounts, transferBody } from '../support/factories/finance';
import { assertInventoryConsistent, getItem, INVENTORY, newItem } from '../support/factories/inventory';
import type { HttpResponse } from '@app/concurrency/testing';

/** Statuses a client may see under a transient fault: never a 500. */
function assertNo5xxButUnavailable(responses: Array<HttpResponse | undefined>): void {
  for (const r of responses) {
    assert.ok(r, 'every request answered');
    if (r.status >= 500) {
      assert.equal(r.status, 503, `unexpected ${r.status}: ${r.text.slice(0, 300)}`);
      assert.equal(r.body.code, 'database-unavailable');
      assert.match(r.headers['retry-after'] ?? '', /^\d+$/);
    }
  }
}

describe('database faults (e2e)', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  let connection: Connection;

  beforeAll(async () => {
    // Short, so the lock-wait test below answers quickly; only lock waits are bounded by it on the emulator.
    ctx = await createTestContext({ env: { MONGODB_OPERATION_TIMEOUT_MS: '1500' } });
    acme = await ctx.newTenant();
    connection = ctx.app.get<Connection>(getConnectionToken());
  });
  afterAll(async () => {
    await connection?.db?.admin().command({ configureFailPoint: 'failCommand', mode: 'off' }).catch(() => undefined);
    await ctx?.close();
  });

  // A "node is shutting down" error (91) makes the driver clear the pool and mark the server
  // unknown; the test's own commands, which the driver does not retry, must wait that out too.
  const adminCommand = (command: Record<string, unknown>) => eventually(() => connection.db!.admin().command(command), { timeoutMs: 10_000, intervalMs: 50 });
  const failPoint = (mode: unknown, data: Record<string, unknown>) => adminCommand({ configureFailPoint: 'failCommand', mode, data });
  const failPointOff = () => adminCommand({ configureFailPoint: 'failCommand', mode: 'off' });

  // The server marked unknown also closes the index gate until the build marker is read again
  // (503 database-unavailable, by design): each test starts once the app is ready again.
  beforeEach(() => eventually(async () => (await ctx.http.get('/health/ready')).status === 200, { timeoutMs: 15_000, intervalMs: 50 }));

  it('closeConnection on findAndModify × 5 during 20 allocations: no 500, stock consistent', async () => {
    const item = await newItem(acme, { quantityOnHand: 100 });
    await failPoint({ times: 5 }, { failCommands: ['findAndModify'], closeConnection: true });
    try {
      const r = await race(20, () => acme.http.post(`${INVENTORY}/items/${item.id}/allocate`, { quantity: 3, orderReference: 'JOB-F' }));
      assertNo5xxButUnavailable(r.values());
      for (const status of Object.keys(r.counts)) assert.ok(['201', '409', '503'].includes(status), JSON.stringify(r.counts));
      const allocated = (r.counts['201'] ?? 0) * 3;
      assert.equal((await getItem(acme, item.id)).quantityAllocated, allocated, 'every 201 and nothing else is allocated');
    } finally {
      await failPointOff();
    }
    await assertInventoryConsistent(acme);
  });

  it('commitTransaction 91 + UnknownTransactionCommitResult × 5 during 20 transfers: no 500, money conserved', async () => {
    const accounts = await newAccounts(acme, 4, { openingBalance: 10_000 });
    await failPoint({ times: 5 }, { failCommands: ['commitTransaction'], errorCode: 91, errorLabels: ['UnknownTransactionCommitResult'] });
    let r;
    try {
      r = await race(20, (i) => acme.http.post(`${FINANCE}/transfers`, transferBody(accounts[i % 4].id, accounts[(i + 1) % 4].id, 100 + i)));
    } finally {
      await failPointOff();
    }
    assertNo5xxButUnavailable(r.values());
    for (const status of Object.keys(r.counts)) assert.ok(['201', '409', '503'].includes(status), JSON.stringify(r.counts));
    const expected = accounts.map(() => 10_000);
    for (const o of r.with(201)) {
      expected[o.index % 4] -= 100 + o.index;
      expected[(o.index + 1) % 4] += 100 + o.index;
    }
    const balances = await Promise.all(accounts.map(async (a) => (await getAccount(acme, a.id)).balance));
    assert.deepEqual(balances, expected, 'each final balance reflects exactly the 201s');
    await assertReconciled(acme);
  });

  it('closeConnection on commitTransaction × 3 during 10 transfers: no 500, money conserved', async () => {
    const accounts = await newAccounts(acme, 2, { openingBalance: 10_000 });
    await failPoint({ times: 3 }, { failCommands: ['commitTransaction'], closeConnection: true });
    let r;
    try {
      r = await race(10, () => acme.http.post(`${FINANCE}/transfers`, transferBody(accounts[0].id, accounts[1].id, 10)));
    } finally {
      await failPointOff();
    }
    assertNo5xxButUnavailable(r.values());
    const posted = r.counts['201'] ?? 0;
    assert.deepEqual(
      await Promise.all(accounts.map(async (a) => (await getAccount(acme, a.id)).balance)),
      [10_000 - 10 * posted, 10_000 + 10 * posted],
    );
    await assertReconciled(acme);
  });

  it("a lock held by a dead instance's open transaction: a write waiting on it gives up with 503 + Retry-After, and succeeds once the lock is gone", async () => {
    const item = await newItem(acme, { quantityOnHand: 5 });
    // The "dead instance": a transaction that wrote the item and will never commit on its own.
    const zombie = connection.getClient().startSession();
    zombie.startTransaction();
    await connection.db!.collection('inventory_items').updateOne({ _id: new Types.ObjectId(item.id) }, { $set: { name: 'held by a dead instance' } }, { session: zombie });
    try {
      const started = performance.now();
      const r = await race(3, () => acme.http.patch(`${INVENTORY}/items/${item.id}`, { name: 'renamed' }, { headers: { 'if-match': '"1"' } }));
      expectCounts(r, { 503: 3 });
      assertNo5xxButUnavailable(r.values());
      assert.ok(performance.now() - started < 15_000, 'bounded by MONGODB_OPERATION_TIMEOUT_MS, not the 60 s transaction lifetime');
    } finally {
      await zombie.abortTransaction().catch(() => undefined);
      await zombie.endSession().catch(() => undefined);
    }
    const after = await acme.http.patch(`${INVENTORY}/items/${item.id}`, { name: 'renamed' }, { headers: { 'if-match': '"1"' } });
    assert.equal(after.status, 200, after.text);
    assert.equal((await getItem(acme, item.id)).name, 'renamed');
  });

  it('database stopped: 503 database-unavailable with Retry-After within seconds; served again once it is back', async () => {
    const uri = await startEmbeddedMongo();
    const port = Number(new URL(uri.replace(/^mongodb:/, 'http:')).port);
    await stopEmbeddedMongo();
    let restarted: MongoEmulator | undefined;
    try {
      const started = performance.now();
      const r = await race(6, (i) => (i % 2 ? acme.http.get(`${FINANCE}/accounts`) : acme.http.post(`${INVENTORY}/items`, { sku: `DOWN-${i}`, name: 'x', quantityOnHand: 1 })));
      const elapsed = performance.now() - started;
      expectCounts(r, { 503: 6 });
      assertNo5xxButUnavailable(r.values());
      // Bounded by serverSelectionTimeoutMS, not the driver's 30 s default (a generous margin for a loaded machine).
      assert.ok(elapsed < 8_000, `503 took ${Math.round(elapsed)} ms`);

      restarted = await MongoEmulator.start({ port });
      // The data was in memory and is gone; a fresh signup proves the app serves again without a restart.
      let status = 0;
      for (let i = 0; i < 50 && status !== 201; i++) {
        status = (await ctx.http.post('/api/v1/auth/signup', { tenantName: 'Back', email: ctx.uniqueEmail('back'), password: 'correct-horse-battery', displayName: 'Back' })).status;
        if (status !== 201) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal(status, 201, 'the app recovers once the database is back');
    } finally {
      await restarted?.stop();
    }
  });
});
