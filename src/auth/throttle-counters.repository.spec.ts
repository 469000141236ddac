import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import mongoose, { Connection, Model } from 'mongoose';
import { MongoEmulator } from '@app/mongo-emulator';
import { ThrottleCounter, ThrottleCounterSchema } from './throttle-counter.schema';
import { ThrottleCountersRepository } from './throttle-counters.repository';

describe(ThrottleCountersRepository.name, () => {
  let emulator: MongoEmulator;
  let connection: Connection;
  let repo: ThrottleCountersRepository;

  beforeAll(async () => {
    emulator = await MongoEmulator.start();
    connection = await mongoose.createConnection(emulator.uri).asPromise();
    const model = connection.model(ThrottleCounter.name, ThrottleCounterSchema) as unknown as Model<ThrottleCounter>;
    await model.init();
    repo = new ThrottleCountersRepository(model);
  });
  afterAll(async () => {
    await connection?.close();
    await emulator?.stop();
  });

  it('50 concurrent first hits open one window and count every hit exactly once', async () => {
    const now = new Date();
    const results = await Promise.all(Array.from({ length: 50 }, () => repo.hit('login:k1', 60_000, now)));
    assert.deepEqual(results.map((r) => r.hits).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
    assert.equal(new Set(results.map((r) => r.expiresAt.getTime())).size, 1, 'one window');
    assert.equal(results[0].expiresAt.getTime(), now.getTime() + 60_000);
  });

  it('an expired window is replaced by a fresh one; other keys are separate', async () => {
    const t0 = new Date();
    await repo.hit('login:k2', 1000, t0);
    assert.equal((await repo.hit('login:k2', 1000, new Date(t0.getTime() + 500))).hits, 2);
    const later = new Date(t0.getTime() + 1000);
    assert.deepEqual(await repo.hit('login:k2', 1000, later), { _id: 'login:k2', hits: 1, expiresAt: new Date(later.getTime() + 1000) });
    assert.equal((await repo.hit('login:k3', 1000, later)).hits, 1);
  });
});
