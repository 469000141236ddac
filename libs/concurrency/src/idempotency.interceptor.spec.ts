import { Body, CanActivate, Controller, ExecutionContext, HttpCode, Injectable, Post } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import { MongoEmulator } from '@app/mongo-emulator';
import { Model, Schema } from 'mongoose';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, beforeEach, describe, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrencyModels } from './concurrency-models';
import { InvalidStateError } from './errors';
import { HttpRequestLike } from '@app/problem-details';
import { resolveConcurrencyOptions } from './concurrency.options';
import { IdempotencyInterceptor, requestFingerprint } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';
import { Idempotent } from './idempotent.decorator';
import { race } from './testing';
import { startTestApp, TestApp } from './testing/test-app';
import { TransactionRunner } from './transaction-runner';
import { Transactional } from './transactional.decorator';

/** The app's runner, set once the test app is up (the spec's services use it too). */
let transactions: TransactionRunner;

interface Effect { tenantId: string; amount: number }
const EffectSchema = new Schema<Effect>({ tenantId: String, amount: Number });

/** Stands in for the app's auth guard: request.user from a header. */
@Injectable()
class FakeAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<HttpRequestLike>();
    const tenant = req.headers['x-tenant'];
    if (typeof tenant === 'string') req.user = { userId: 'u1', tenantId: tenant, roles: [], sessionId: 's1' };
    return true;
  }
}

let failNext5xx = false;

/** A short Idempotency-Key lease, so that expiry and renewal are observable in a test. */
const LEASE_MS = 300;

@Injectable()
class PaymentService {
  constructor(@InjectModel('Effect') readonly effects: Model<Effect>, private readonly models: ConcurrencyModels) {}

  @Transactional()
  async pay(tenantId: string, body: { amount: number; fail?: string; holdMs?: number }) {
    const doc = await this.effects.create({ tenantId, amount: body.amount });
    if (body.holdMs) await sleep(body.holdMs);
    if (body.fail === '409') throw new InvalidStateError({ currentState: 'closed' });
    if (body.fail === '500' && failNext5xx) {
      failNext5xx = false;
      throw new Error('database exploded');
    }
    if (body.fail === 'steal') {
      // Another worker takes the claim over while we run: our completion must not commit.
      await transactions.suspend(() => this.models.idempotency.updateMany({}, { $set: { lockToken: 'someone-else' } }));
    }
    return { id: String(doc._id), amount: body.amount };
  }
}

@Controller('payments')
class PaymentsController {
  constructor(private readonly payments: PaymentService) {}

  @Post()
  @Idempotent()
  pay(@Body() body: { amount: number; fail?: string; holdMs?: number }) {
    return this.payments.pay('t?', body);
  }

  @Post('tenant')
  @Idempotent()
  payTenant(@Body() body: { amount: number }) {
    return this.payments.pay('scoped', body);
  }

  @Post('ok200')
  @HttpCode(200)
  @Idempotent()
  pay200(@Body() body: { amount: number }) {
    return this.payments.pay('t200', body);
  }

  /** Control: "check, then do, then record" — the naive idempotency. */
  @Post('naive')
  async naive(@Body() body: { amount: number; key: string; holdMs?: number }) {
    const records = this.payments['models'].idempotency;
    const seen = await records.findOne({ scope: 'naive', key: body.key }).lean();
    if (seen) return JSON.parse(seen.responseJson ?? 'null');
    const result = await this.payments.pay('naive', body);
    await records.updateOne({ scope: 'naive', key: body.key }, { $set: { responseJson: JSON.stringify(result), method: 'POST', path: '/', fingerprint: '-', state: 'completed', createdAt: new Date(), expiresAt: new Date(Date.now() + 60_000) } }, { upsert: true });
    return result;
  }
}

describe(IdempotencyInterceptor.name, () => {
  let emu: MongoEmulator;
  let t: TestApp;
  let effects: Model<Effect>;

  beforeAll(async () => {
    emu = await MongoEmulator.start();
    t = await startTestApp({
      uri: emu.uri,
      imports: [MongooseModule.forFeature([{ name: 'Effect', schema: EffectSchema }])],
      providers: [PaymentService, { provide: APP_GUARD, useClass: FakeAuthGuard }],
      controllers: [PaymentsController],
      concurrency: { idempotency: { leaseMs: LEASE_MS } },
    });
    transactions = t.app.get(TransactionRunner);
    effects = t.app.get(PaymentService).effects;
  });
  afterAll(async () => {
    await t?.close();
    await emu?.stop();
  });
  beforeEach(() => effects.deleteMany({}));

  const post = (path: string, key: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
    t.http.send('POST', path, { headers: { ...(key ? { 'idempotency-key': key } : {}), ...headers }, body });

  it('20 concurrent requests with one Idempotency-Key → one effect; the rest are 409 in-progress or replays', async () => {
    const r = await race(20, () => post('/payments', 'k-race', { amount: 5, holdMs: 100 }));
    assert.equal(await effects.countDocuments(), 1, `exactly one effect (counts ${JSON.stringify(r.counts)})`);
    const created = r.with(201);
    const executed = created.filter((o) => o.value!.headers['idempotent-replayed'] !== 'true');
    assert.equal(executed.length, 1);
    for (const o of r.with(409)) {
      assert.equal((o.value!.body as Record<string, unknown>).code, 'idempotency-in-progress');
      assert.equal(o.value!.headers['retry-after'], '1');
    }
    assert.equal(created.length + r.with(409).length, 20, JSON.stringify(r.counts));

    const replay = await post('/payments', 'k-race', { amount: 5, holdMs: 100 });
    assert.equal(replay.status, 201);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.deepEqual(replay.body, executed[0].value!.body);
    assert.equal(await effects.countDocuments(), 1);
  });

  it('control: check-then-do-then-record idempotency performs the effect several times', async () => {
    await race(20, () => post('/payments/naive', undefined, { amount: 5, key: 'k-naive', holdMs: 20 }));
    assert.ok((await effects.countDocuments({ tenantId: 'naive' })) > 1);
  });

  it('same key with another body or path → 422 idempotency-key-reused', async () => {
    assert.equal((await post('/payments', 'k-reuse', { amount: 1 })).status, 201);
    const other = await post('/payments', 'k-reuse', { amount: 2 });
    assert.equal(other.status, 422);
    assert.equal((other.body as Record<string, unknown>).code, 'idempotency-key-reused');
    assert.equal((await post('/payments/ok200', 'k-reuse', { amount: 1 })).status, 422);
    // Key order in the JSON body does not matter.
    assert.equal((await post('/payments', 'k-reuse2', { amount: 1, holdMs: 0 })).status, 201);
    const reordered = await t.http.send('POST', '/payments', { headers: { 'idempotency-key': 'k-reuse2', 'content-type': 'application/json' }, rawBody: '{"holdMs":0,"amount":1}' });
    assert.equal(reordered.headers['idempotent-replayed'], 'true');
  });

  it('a 4xx is stored and replayed; its effects were rolled back', async () => {
    const first = await post('/payments', 'k-409', { amount: 3, fail: '409' });
    assert.equal(first.status, 409);
    assert.equal((first.body as Record<string, unknown>).code, 'invalid-state');
    assert.equal(await effects.countDocuments(), 0, 'the failed handler must leave no effect');
    const again = await post('/payments', 'k-409', { amount: 3, fail: '409' });
    assert.equal(again.status, 409);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.body, first.body);
  });

  it('a 5xx releases the key: the retry executes', async () => {
    failNext5xx = true;
    const first = await post('/payments', 'k-500', { amount: 4, fail: '500' });
    assert.equal(first.status, 500);
    assert.equal(await effects.countDocuments(), 0);
    const retry = await post('/payments', 'k-500', { amount: 4, fail: '500' });
    assert.equal(retry.status, 201);
    assert.equal(retry.headers['idempotent-replayed'], undefined);
    assert.equal(await effects.countDocuments(), 1);
  });

  it('the stored response commits in the handler transaction: losing the claim rolls the effect back', async () => {
    const res = await post('/payments', 'k-steal', { amount: 6, fail: 'steal' });
    assert.equal(res.status, 409);
    assert.equal(await effects.countDocuments(), 0);
  });

  it('a claim left by a crashed worker (expired lease) is taken over', async () => {
    const models = t.app.get(ConcurrencyModels);
    const body = { amount: 7 };
    const first = await post('/payments', 'k-crash-probe', body);
    const record = await models.idempotency.findOne({ key: 'k-crash-probe' }).lean();
    const dead = await models.idempotency.create({ ...record, _id: undefined, key: 'k-crash', state: 'in-progress', lockToken: 'dead', responseJson: undefined, status: undefined });
    await models.idempotencyLocks.create({ _id: dead._id, lockToken: 'dead', lockedUntil: new Date(Date.now() - 1000) });
    assert.equal(first.status, 201);
    const res = await post('/payments', 'k-crash', body);
    assert.equal(res.status, 201);
    assert.equal(res.headers['idempotent-replayed'], undefined);
    assert.equal(await effects.countDocuments(), 2);
  });

  it('a request running longer than its lease keeps the key (heartbeat): the duplicate gets 409, one effect', async () => {
    const body = { amount: 9, holdMs: LEASE_MS * 10 };
    const original = post('/payments', 'k-long', body);
    const models = t.app.get(ConcurrencyModels);
    while (!(await models.idempotency.exists({ key: 'k-long' }))) await sleep(10);
    // Several leases later, the original still runs: its lock was renewed, so no takeover.
    await sleep(LEASE_MS * 3);
    const duplicate = await post('/payments', 'k-long', body);
    assert.equal(duplicate.status, 409, duplicate.text);
    assert.equal((duplicate.body as Record<string, unknown>).code, 'idempotency-in-progress');
    const first = await original;
    assert.equal(first.status, 201, first.text);
    assert.equal(await effects.countDocuments(), 1);
    const replay = await post('/payments', 'k-long', body);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
  });

  it('a key whose holder died frees within one short lease (nothing renews it)', async () => {
    assert.ok(resolveConcurrencyOptions().idempotency.leaseMs <= 10_000, 'the default lease is seconds, not a minute');
    const body = { amount: 10 };
    // A holder that claimed the key and died before finishing: the claim, and no heartbeat.
    const store = t.app.get(IdempotencyStore);
    const claim = await store.claim({ scope: 'public', key: 'k-dead', method: 'POST', path: '/payments', fingerprint: requestFingerprint({ method: 'POST', url: '/payments', body, headers: {} } as HttpRequestLike) });
    assert.equal(claim.kind, 'claimed');
    assert.equal((await post('/payments', 'k-dead', body)).status, 409);
    await sleep(LEASE_MS + 50);
    const retry = await post('/payments', 'k-dead', body);
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.headers['idempotent-replayed'], undefined);
    assert.equal(await effects.countDocuments(), 1);
  });

  it('a record past its TTL is forgotten: the key executes again', async () => {
    const models = t.app.get(ConcurrencyModels);
    assert.equal((await post('/payments', 'k-ttl', { amount: 8 })).status, 201);
    await models.idempotency.updateOne({ key: 'k-ttl' }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const again = await post('/payments', 'k-ttl', { amount: 8 });
    assert.equal(again.status, 201);
    assert.equal(again.headers['idempotent-replayed'], undefined);
    assert.equal(await effects.countDocuments(), 2);
    const indexes = await models.idempotency.collection.indexes();
    assert.ok(indexes.some((ix) => ix.key.expiresAt === 1 && ix.expireAfterSeconds === 0), 'TTL index on expiresAt');
  });

  it('keys are scoped per tenant; the replay keeps the HTTP_CODE status; no key → no idempotency', async () => {
    await post('/payments/tenant', 'shared', { amount: 1 }, { 'x-tenant': 'A' });
    await post('/payments/tenant', 'shared', { amount: 1 }, { 'x-tenant': 'B' });
    const replayA = await post('/payments/tenant', 'shared', { amount: 1 }, { 'x-tenant': 'A' });
    assert.equal(replayA.headers['idempotent-replayed'], 'true');
    assert.equal(await effects.countDocuments({ tenantId: 'scoped' }), 2);

    assert.equal((await post('/payments/ok200', 'k-200', { amount: 1 })).status, 200);
    const r200 = await post('/payments/ok200', 'k-200', { amount: 1 });
    assert.equal(r200.status, 200);
    assert.equal(r200.headers['idempotent-replayed'], 'true');

    await post('/payments', undefined, { amount: 1 });
    await post('/payments', undefined, { amount: 1 });
    assert.equal(await effects.countDocuments({ tenantId: 't?' }), 2);
    assert.equal((await post('/payments', 'x'.repeat(300), { amount: 1 })).status, 400);
  });
});
