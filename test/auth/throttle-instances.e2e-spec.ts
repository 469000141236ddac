import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import ConnectionString from 'mongodb-connection-string-url';
import { MongoEmulator } from '@app/mongo-emulator';
import { startTestApp, TestApp } from '../support/test-app';

const AUTH = '/api/v1/auth';

/**
 * Issue 17.6: two app instances on one database share the login limits. With per-process
 * counters each instance allowed its own 10 attempts per email, so an attacker alternating
 * between them got 20.
 */
describe('auth throttling across instances', () => {
  let emulator: MongoEmulator | undefined;
  const apps: TestApp[] = [];
  const originalUri = process.env.MONGODB_URI;

  beforeAll(async () => {
    let uri: string;
    if (originalUri) {
      const shared = new ConnectionString(originalUri);
      shared.pathname = `/e2e_${randomBytes(4).toString('hex')}`;
      uri = shared.toString();
    } else {
      emulator = await MongoEmulator.start();
      uri = emulator.uri;
    }
    for (let i = 0; i < 2; i++) {
      // startTestApp gives each app its own database when MONGODB_URI is set; these two must share one.
      delete process.env.MONGODB_URI;
      apps.push(await startTestApp({ env: { MONGODB_URI: uri, AUTH_THROTTLE_ENABLED: 'true' } }));
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await emulator?.stop();
    if (originalUri === undefined) delete process.env.MONGODB_URI;
    else process.env.MONGODB_URI = originalUri;
  });

  it('12 failed logins for one email, alternating between the instances → 10 × 401, then 429 on both', async () => {
    const email = `victim-${randomBytes(4).toString('hex')}@test.example`;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await apps[i % 2].http.post(`${AUTH}/login`, { email, password: 'wrong-password-123' });
      statuses.push(res.status);
      if (res.status === 429) assert.ok(Number(res.headers['retry-after']) > 0, 'Retry-After');
    }
    assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429]);
  });
});
