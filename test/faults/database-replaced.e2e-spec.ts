/**
 * Issue 17 item 1: the database is replaced under a running app (the emulator restarted
 * without data — the same as a wiped or restored real database). The app must not serve
 * until the unique, partial and TTL indexes are back, and readiness must say so.
 *
 * This suite always owns its database (it stops and restarts it), so it ignores MONGODB_URI.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { expectCounts, race } from '@app/concurrency/testing';
import { MongoEmulator } from '@app/mongo-emulator';
import { MongoClient } from 'mongodb';
import { DEFAULT_PASSWORD } from '../support/context';
import { INVENTORY, nextSku } from '../support/factories/inventory';
import { startTestApp, TestApp } from '../support/test-app';

delete process.env.MONGODB_URI;

/** Polls until `probe` holds; the bound only keeps a broken build from hanging the suite. */
async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await probe()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting until ${what}`);
}

describe('database replaced under a running app', () => {
  let emu: MongoEmulator;
  let port: number;
  let t: TestApp;

  beforeAll(async () => {
    emu = await MongoEmulator.start();
    port = emu.port;
    t = await startTestApp({ env: { MONGODB_URI: emu.uri, AUTH_THROTTLE_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await t?.close();
    await emu?.stop();
  });

  const readiness = () => t.http.get('/health/ready');
  const signup = (email: string, i = 0) => t.http.post('/api/v1/auth/signup', { tenantName: `Tenant ${i}`, email, password: DEFAULT_PASSWORD, displayName: 'Admin' });

  /** Stops the database, waits until the app noticed, and starts an empty one on the same port. */
  async function replaceDatabase(configure?: (fresh: MongoEmulator) => void): Promise<void> {
    await emu.stop();
    await until('readiness reports the database down', async () => (await readiness()).status === 503);
    emu = await MongoEmulator.start({ port });
    // Synchronously after start: before the app can have sent the fresh server anything.
    configure?.(emu);
  }

  async function raceDuplicates(): Promise<void> {
    const email = `same-${Date.now()}@test.example`;
    const signups = await race(6, (i) => signup(email, i));
    expectCounts(signups, { 201: 1, 409: 5 });

    const admin = t.http.as(signups.with(201)[0].value!.body.accessToken);
    const sku = nextSku('DUP');
    const items = await race(6, () => admin.post(`${INVENTORY}/items`, { sku, name: 'Film', quantityOnHand: 1, unit: 'roll' }));
    expectCounts(items, { 201: 1, 409: 5 });
  }

  it('serves again only with its unique indexes: 6 signups with one email → one 201, 6 items with one SKU → one 201', async () => {
    assert.equal((await readiness()).status, 200);
    await replaceDatabase();
    await until('readiness is back', async () => (await readiness()).status === 200);
    await raceDuplicates();
  });

  it('answers 503 (readiness and API) while the indexes cannot be built, and serves once they are', async () => {
    await replaceDatabase((fresh) =>
      fresh.server.failPoints.configure({
        configureFailPoint: 'failCommand',
        mode: 'alwaysOn',
        data: { failCommands: ['createIndexes'], errorCode: 8, errmsg: 'index builds held by the test' },
      }),
    );
    let ready = await readiness();
    await until('readiness reports the indexes missing while the database answers', async () => {
      ready = await readiness();
      return ready.status === 503 && ready.body.details?.database?.status === 'up';
    });
    assert.equal(ready.body.code, 'not-ready');
    assert.equal(ready.body.details.indexes.status, 'down');

    const refused = await signup(`refused-${Date.now()}@test.example`);
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.body.code, 'database-unavailable');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.equal((await t.http.get('/health/live')).status, 200);

    emu.server.failPoints.configure({ configureFailPoint: 'failCommand', mode: 'off' });
    await until('readiness is back', async () => (await readiness()).status === 200);
    await raceDuplicates();
  });

  it('a database wiped without any reconnection is noticed by readiness, which waits for the rebuild', async () => {
    const client = new MongoClient(emu.uri);
    try {
      await client.db('test').dropDatabase();
    } finally {
      await client.close();
    }
    await until('readiness notices the missing indexes', async () => (await readiness()).status === 503);
    await until('readiness is back', async () => (await readiness()).status === 200);
    await raceDuplicates();
  });
});
