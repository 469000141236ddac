import { Body, Controller, Get, Injectable, Param, Patch, Post } from '@nestjs/common';
import { InjectModel, MongooseModule } from '@nestjs/mongoose';
import { MongoEmulator } from '@app/mongo-emulator';
import { Model, Schema } from 'mongoose';
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiETag } from './api-etag.decorator';
import { NotFoundError } from '@app/problem-details';
import { VersionMismatchError } from './errors';
import { IfMatchVersion } from './if-match-version.decorator';
import { RequireIfMatch } from './require-if-match.decorator';
import { expectCounts, race } from './testing';
import { startTestApp, TestApp } from './testing/test-app';
import { Transactional } from './transactional.decorator';
import { deleteVersioned, updateVersioned, withPipelineVersionBump } from './update-versioned';
import { versionedPlugin } from './versioned.plugin';

interface Item { tenantId: string; name: string; qty: number; version: number }
const ItemSchema = new Schema<Item>({ tenantId: String, name: String, qty: Number });
ItemSchema.plugin(versionedPlugin);

@Injectable()
class ItemService {
  constructor(@InjectModel('Item') readonly items: Model<Item>) {}

  @Transactional()
  async rename(id: string, expectedVersion: number, name: string) {
    const doc = await updateVersioned(this.items, { filter: { _id: id, tenantId: 't1' }, expectedVersion, update: { $set: { name } } });
    return { id: String(doc._id), name: doc.name, version: doc.version };
  }

  /** Control: read, compare, write — the check and the write are two steps. */
  async renameNaive(id: string, expectedVersion: number, name: string) {
    const doc = await this.items.findOne({ _id: id, tenantId: 't1' }).lean();
    if (!doc) throw new NotFoundError('Item');
    if (doc.version !== expectedVersion) throw new VersionMismatchError({ currentVersion: doc.version, expectedVersion });
    await sleep(5);
    await this.items.updateOne({ _id: id }, { $set: { name, version: doc.version + 1 } });
    return { id, name, version: doc.version + 1 };
  }
}

@Controller('items')
class ItemsController {
  constructor(private readonly svc: ItemService) {}

  @Post()
  async create(@Body() body: { name: string }) {
    const doc = await this.svc.items.create({ tenantId: 't1', name: body.name, qty: 0 });
    return { id: String(doc._id), name: doc.name, version: doc.version };
  }

  @Get(':id')
  @ApiETag()
  async get(@Param('id') id: string) {
    const doc = await this.svc.items.findOne({ _id: id, tenantId: 't1' }).lean();
    if (!doc) throw new NotFoundError('Item');
    return { id, name: doc.name, version: doc.version };
  }

  @Patch(':id')
  @RequireIfMatch()
  rename(@Param('id') id: string, @IfMatchVersion() version: number, @Body() body: { name: string }) {
    return this.svc.rename(id, version, body.name);
  }

  /** @Transactional directly on a handler, above and below the route decorators. */
  @Transactional()
  @Patch(':id/direct')
  @RequireIfMatch()
  async direct(@Param('id') id: string, @IfMatchVersion() version: number, @Body() body: { name: string }) {
    const doc = await updateVersioned(this.svc.items, { filter: { _id: id, tenantId: 't1' }, expectedVersion: version, update: { $set: { name: body.name } } });
    return { id, name: doc.name, version: doc.version };
  }

  @Patch(':id/direct-below')
  @RequireIfMatch()
  @Transactional()
  async directBelow(@Param('id') id: string, @IfMatchVersion() version: number, @Body() body: { name: string }) {
    return this.direct(id, version, body);
  }

  @Patch(':id/naive')
  @RequireIfMatch()
  renameNaive(@Param('id') id: string, @IfMatchVersion() version: number, @Body() body: { name: string }) {
    return this.svc.renameNaive(id, version, body.name);
  }
}

describe(updateVersioned.name, () => {
  let emu: MongoEmulator;
  let t: TestApp;

  beforeAll(async () => {
    emu = await MongoEmulator.start();
    t = await startTestApp({
      uri: emu.uri,
      imports: [MongooseModule.forFeature([{ name: 'Item', schema: ItemSchema }])],
      providers: [ItemService],
      controllers: [ItemsController],
    });
  });
  afterAll(async () => {
    await t?.close();
    await emu?.stop();
  });

  async function newItem(): Promise<string> {
    const res = await t.http.send('POST', '/items', { body: { name: 'widget' } });
    assert.equal(res.status, 201);
    assert.equal(res.headers['etag'], '"1"');
    return (res.body as { id: string }).id;
  }

  it('GET carries ETag "<version>"; a matching If-None-Match gets 304', async () => {
    const id = await newItem();
    const res = await t.http.send('GET', `/items/${id}`);
    assert.equal(res.headers['etag'], '"1"');
    const cached = await t.http.send('GET', `/items/${id}`, { headers: { 'if-none-match': '"1"' } });
    assert.equal(cached.status, 304);
  });

  it('100 concurrent PATCHes with one If-Match: exactly 1 × 200 and 99 × 412 with currentVersion', async () => {
    const id = await newItem();
    const r = await race(100, (i) => t.http.send('PATCH', `/items/${id}`, { headers: { 'if-match': '"1"' }, body: { name: `n${i}` } }));
    expectCounts(r, { 200: 1, 412: 99 });
    const winner = r.with(200)[0].value!;
    assert.equal(winner.headers['etag'], '"2"');
    for (const loser of r.with(412)) {
      const body = loser.value!.body as Record<string, unknown>;
      assert.equal(body.code, 'version-mismatch');
      assert.equal(body.currentVersion, 2);
      assert.equal(loser.value!.headers['etag'], '"2"');
    }
    const final = await t.http.send('GET', `/items/${id}`);
    assert.equal((final.body as Item).version, 2);
    assert.equal((final.body as Item).name, (winner.body as Item).name);
  });

  it('control: the read-compare-write version lets several writers through', async () => {
    const id = await newItem();
    const r = await race(100, (i) => t.http.send('PATCH', `/items/${id}/naive`, { headers: { 'if-match': '"1"' }, body: { name: `n${i}` } }));
    assert.ok(r.with(200).length > 1, `naive must let more than one through (got ${JSON.stringify(r.counts)})`);
  });

  it('without If-Match → 428 precondition-required; malformed → 400; absent document → 404', async () => {
    const id = await newItem();
    const missing = await t.http.send('PATCH', `/items/${id}`, { body: { name: 'x' } });
    assert.equal(missing.status, 428);
    assert.equal((missing.body as Record<string, unknown>).code, 'precondition-required');
    const weak = await t.http.send('PATCH', `/items/${id}`, { headers: { 'if-match': 'W/"1"' }, body: { name: 'x' } });
    assert.equal(weak.status, 400);
    const absent = await t.http.send('PATCH', '/items/65f000000000000000000000', { headers: { 'if-match': '"1"' }, body: { name: 'x' } });
    assert.equal(absent.status, 404);
    assert.equal((absent.body as Record<string, unknown>).code, 'not-found');
  });

  it('sequential updates with the fresh ETag succeed and bump the version by one each', async () => {
    const id = await newItem();
    let etag = '"1"';
    for (let i = 0; i < 3; i++) {
      const res = await t.http.send('PATCH', `/items/${id}`, { headers: { 'if-match': etag }, body: { name: `v${i}` } });
      assert.equal(res.status, 200);
      etag = res.headers['etag']!;
    }
    assert.equal(etag, '"4"');
  });

  it('@Transactional works on a controller handler in either decorator order', async () => {
    const id = await newItem();
    const a = await t.http.send('PATCH', `/items/${id}/direct`, { headers: { 'if-match': '"1"' }, body: { name: 'a' } });
    assert.equal(a.status, 200);
    assert.equal(a.headers['etag'], '"2"');
    const b = await t.http.send('PATCH', `/items/${id}/direct-below`, { headers: { 'if-match': '"2"' }, body: { name: 'b' } });
    assert.equal(b.status, 200);
    const stale = await t.http.send('PATCH', `/items/${id}/direct-below`, { headers: { 'if-match': '"2"' }, body: { name: 'c' } });
    assert.equal(stale.status, 412);
    assert.equal((await t.http.send('PATCH', `/items/${id}/direct`, { body: { name: 'c' } })).status, 428);
  });

  it('versionedPlugin refuses document.save() of an existing document', async () => {
    const id = await newItem();
    const doc = await t.app.get(ItemService).items.findById(id);
    doc!.name = 'lost update';
    await assert.rejects(doc!.save(), /updateVersioned/);
  });

  it('deleteVersioned: of concurrent deletes and an edit holding one version exactly one lands; a stale delete is 412, a gone one 404', async () => {
    const id = await newItem();
    const items = t.app.get(ItemService).items;
    const outcomes = await race<unknown>(10, (i) =>
      i === 0
        ? updateVersioned(items, { filter: { _id: id, tenantId: 't1' }, expectedVersion: 1, update: { $set: { name: 'edited' } } })
        : deleteVersioned(items, { filter: { _id: id, tenantId: 't1' }, expectedVersion: 1 }),
    );
    assert.equal(outcomes.with('ok').length, 1, JSON.stringify(outcomes.counts));
    const doc = await items.findOne({ _id: id }).lean();
    if (doc) {
      // The edit won: the delete with the old version is stale, not silently applied.
      assert.equal(doc.version, 2);
      await assert.rejects(deleteVersioned(items, { filter: { _id: id, tenantId: 't1' }, expectedVersion: 1 }), VersionMismatchError);
      await deleteVersioned(items, { filter: { _id: id, tenantId: 't1' }, expectedVersion: 2 });
    }
    await assert.rejects(deleteVersioned(items, { filter: { _id: id, tenantId: 't1' }, expectedVersion: 2 }), NotFoundError);
  });

  it('withPipelineVersionBump: a guarded pipeline update bumps the version once and refuses to let callers set it', async () => {
    const id = await newItem();
    const items = t.app.get(ItemService).items;
    const updated = await items
      .findOneAndUpdate({ _id: id, tenantId: 't1' }, withPipelineVersionBump([{ $set: { qty: { $add: ['$qty', 5] } } }]), {
        returnDocument: 'after',
        updatePipeline: true,
      } as Record<string, unknown>)
      .lean();
    assert.equal(updated?.qty, 5);
    assert.equal(updated?.version, 2);
    assert.throws(() => withPipelineVersionBump([{ $set: { version: 9 } }]), TypeError);
  });
});
