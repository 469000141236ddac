import { MongooseModule, getModelToken } from '@nestjs/mongoose';
import { MongoEmulator } from '@app/mongo-emulator';
import { Model, Schema } from 'mongoose';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { NotFoundError } from '@app/problem-details';
import { InvalidStateError, VersionMismatchError } from './errors';
import { expectCounts, race } from './testing';
import { startTestApp, TestApp } from './testing/test-app';
import { transition } from './transition';
import { versionedPlugin } from './versioned.plugin';

interface Doc { tenantId: string; status: string; approvedBy?: string; history: Array<{ to: string; by: string }>; version: number }
const DocSchema = new Schema<Doc>({ tenantId: String, status: String, approvedBy: String, history: [{ _id: false, to: String, by: String }] });
DocSchema.plugin(versionedPlugin);

describe(transition.name, () => {
  let emu: MongoEmulator;
  let t: TestApp;
  let docs: Model<Doc>;

  beforeAll(async () => {
    emu = await MongoEmulator.start();
    t = await startTestApp({ uri: emu.uri, listen: false, imports: [MongooseModule.forFeature([{ name: 'Doc', schema: DocSchema }])] });
    docs = t.app.get(getModelToken('Doc'));
  });
  afterAll(async () => {
    await t?.close();
    await emu?.stop();
  });

  const approve = (id: unknown, by: string, expectedVersion?: number) =>
    transition(docs, { filter: { _id: id, tenantId: 't1' }, from: ['pending'], to: 'approved', set: { approvedBy: by }, push: { history: { to: 'approved', by } }, expectedVersion });

  it('50 concurrent approvals: exactly one wins, 49 get 409 invalid-state with currentState', async () => {
    const { _id } = await docs.create({ tenantId: 't1', status: 'pending', history: [] });
    const r = await race(50, (i) => approve(_id, `u${i}`));
    expectCounts(r, { ok: 1, 409: 49 });
    for (const o of r.with(409)) {
      assert.ok(o.error instanceof InvalidStateError);
      assert.equal(o.error.extensions.currentState, 'approved');
    }
    const doc = await docs.findById(_id).lean();
    assert.equal(doc?.history.length, 1, 'exactly one transition recorded');
    assert.equal(doc?.approvedBy, (r.with('ok')[0].value as Doc).approvedBy);
    assert.equal(doc?.version, 2, 'a transition bumps the version');
  });

  it('control: read-check-write approves more than once', async () => {
    const { _id } = await docs.create({ tenantId: 't1', status: 'pending', history: [] });
    const r = await race(50, async (i) => {
      const doc = await docs.findById(_id).lean();
      if (doc?.status !== 'pending') throw new InvalidStateError({ currentState: doc?.status });
      await sleep(2);
      await docs.updateOne({ _id }, { $set: { status: 'approved' }, $push: { history: { to: 'approved', by: `u${i}` } } });
    });
    assert.ok(r.with('ok').length > 1, JSON.stringify(r.counts));
  });

  it('with expectedVersion: a version miss is 412, a state miss 409, an absent document 404', async () => {
    const { _id } = await docs.create({ tenantId: 't1', status: 'pending', history: [] });
    await assert.rejects(approve(_id, 'a', 7), (e: unknown) => e instanceof VersionMismatchError && e.currentVersion === 1);
    const ok = await approve(_id, 'a', 1);
    assert.equal(ok.version, 2);
    await assert.rejects(approve(_id, 'b', 2), (e: unknown) => e instanceof InvalidStateError && e.extensions.currentState === 'approved');
    await assert.rejects(approve(_id, 'b', 1), VersionMismatchError);
    await assert.rejects(approve('65f000000000000000000000', 'b'), NotFoundError);
    // Another tenant's document looks absent.
    await assert.rejects(transition(docs, { filter: { _id, tenantId: 't2' }, from: ['approved'], to: 'archived' }), NotFoundError);
  });
});
