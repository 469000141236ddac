import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { createTestContext, TestContext, TestTenant } from '../support/context';
import type { HttpResponse } from '@app/concurrency/testing';
import { getModelToken } from '@nestjs/mongoose';
import { Types, type Model } from 'mongoose';
import { Item } from '../../src/inventory/item.schema';
import { Movement } from '../../src/inventory/movement.schema';
import { newOwner, newVersion, versionsPath } from '../support/factories/versioning';
import { getItem, INVENTORY, inventoryConsistency, newItem, nextSku } from '../support/factories/inventory';

/** A body nested `depth` levels deep: {"a":{"a":…}}. */
const nested = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Issue 17 (hostile input): every refusal is a cheap 4xx Problem Details, never a 500. */
describe('hostile input', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
  });
  afterAll(() => ctx?.close());

  const assertBodyLimit = (res: HttpResponse, field: string, message: RegExp) => {
    assert.equal(res.status, 400, res.text);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    assert.equal(res.body.code, 'validation-failed');
    assert.equal(res.body.errors[0].field, field);
    assert.match(res.body.errors[0].message, message);
  };

  it('refuses JSON nested deeper than the parse limit with 400, on public and authenticated routes', async () => {
    const deep = nested(10_000);
    for (const [client, path] of [
      [ctx.http, '/api/v1/auth/login'],
      [ctx.http, '/api/v1/auth/password-reset'],
      [acme.http, '/api/v1/documents'],
    ] as const) {
      const res = await client.post(path, undefined, { rawBody: deep });
      assertBodyLimit(res, 'a.'.repeat(32).slice(0, -1), /nested deeper than 32/);
    }
  });

  it('refuses a huge array at parse time — before class-transformer or any per-element validator — while the loop stays free', async () => {
    const tags = JSON.stringify({ title: 't', category: 'c', type: 'x', tags: Array.from({ length: 100_000 }, (_, i) => `t${i}`) });
    const ids = JSON.stringify({ ids: Array.from({ length: 38_000 }, () => '665f1c2e8b3e4a0012345678') });
    // The liveness probe is sent while both bodies are being handled; it can only answer once the
    // loop is free, and it must find the app alive.
    const [documents, read, live] = await Promise.all([
      acme.http.post('/api/v1/documents', undefined, { rawBody: tags }),
      acme.http.post('/api/v1/notifications/read', undefined, { rawBody: ids }),
      ctx.http.get('/health/live'),
    ]);
    // The parse-time message (not class-validator's "must contain no more than 50 elements") is
    // the proof that no DTO code ran over the 100 000 elements.
    assertBodyLimit(documents, 'tags', /more than 1000 items/);
    assertBodyLimit(read, 'ids', /more than 1000 items/);
    assert.equal(live.status, 200);
  });

  it('numbers beyond ±(2^53 − 1) are refused in any body field, and nothing is written', async () => {
    const tenant = await ctx.newTenant();
    // JSON.stringify cannot write 2^53 + 1 exactly, so it is sent as text.
    for (const quantity of ['1e308', String(Number.MAX_VALUE), '9007199254740993', '-9007199254740993']) {
      const rawBody = `{"sku":"${nextSku()}","name":"n","quantityOnHand":${quantity}}`;
      const res = await tenant.http.post(`${INVENTORY}/items`, undefined, { rawBody });
      assertBodyLimit(res, 'quantityOnHand', /beyond ±9007199254740991/);
    }
    const item = await newItem(tenant, { quantityOnHand: 1 });
    const receipt = await tenant.http.post(`${INVENTORY}/items/${item.id}/receive`, undefined, { rawBody: '{"quantity":1e300,"reference":"PO"}' });
    assertBodyLimit(receipt, 'quantity', /beyond/);
    assert.equal((await getItem(tenant, item.id)).quantityOnHand, 1);
    assert.deepEqual((await tenant.http.get(`${INVENTORY}/items`)).body.total, 1);
    // Under the JSON limit but above what one item may hold: the DTO's own bound.
    const huge = await tenant.http.post(`${INVENTORY}/items`, { sku: nextSku(), name: 'n', quantityOnHand: 2 ** 52 });
    assert.equal(huge.status, 400, huge.text);
    assert.equal(huge.body.errors[0].field, 'quantityOnHand');
  });

  it('bodies other than JSON are refused with 415 on JSON routes (multipart stays for uploads)', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const login = await ctx.http.post('/api/v1/auth/login', undefined, { rawBody: `email=${encodeURIComponent(acme.email)}&password=${encodeURIComponent(acme.password)}`, headers: form });
    assert.deepEqual([login.status, login.body.code], [415, 'unsupported-media-type'], login.text);
    assert.match(login.headers['content-type'], /application\/problem\+json/);
    const doc = await acme.http.post('/api/v1/documents', undefined, { rawBody: 'title=t&category=c&type=x', headers: form });
    assert.deepEqual([doc.status, doc.body.code], [415, 'unsupported-media-type'], doc.text);
    const text = await ctx.http.post('/api/v1/auth/login', undefined, { rawBody: JSON.stringify({ email: acme.email, password: acme.password }), headers: { 'content-type': 'text/plain' } });
    assert.deepEqual([text.status, text.body.code], [415, 'unsupported-media-type'], text.text);
    assert.equal((await acme.http.get('/api/v1/documents')).body.total, 0);
  });

  it('the inventory consistency report sees quantities beyond 2^53 even when the sums agree', async () => {
    const tenant = await ctx.newTenant();
    const item = await newItem(tenant, { quantityOnHand: 1 });
    assert.equal((await inventoryConsistency(tenant)).ok, true);
    // What the API accepted before numbers were bounded: 2^53 + 1 stored as 2^53, in the item and
    // in its opening movement alike, so Σ movements = quantityAvailable still holds.
    const itemId = new Types.ObjectId(item.id);
    await ctx.app.get<Model<Item>>(getModelToken(Item.name)).collection.updateOne({ _id: itemId }, { $set: { quantityOnHand: 2 ** 53, quantityAvailable: 2 ** 53 } });
    await ctx.app.get<Model<Movement>>(getModelToken(Movement.name)).collection.updateOne({ itemId }, { $set: { quantity: 2 ** 53 } });
    const report = await inventoryConsistency(tenant);
    assert.equal(report.ok, false);
    assert.deepEqual(report.violations.map((v) => v.rule).sort(), ['movementSum-not-safe-integer', 'quantityAvailable-not-safe-integer', 'quantityOnHand-not-safe-integer']);
  });

  it('integer query and path parameters are decimal digits only', async () => {
    const owner = await newOwner(acme);
    await newVersion(acme, owner);
    for (const text of ['0x10', '1e3', '1.0', ' 1', '+1', '1_0']) {
      const page = await acme.http.get(`/api/v1/documents?page=${encodeURIComponent(text)}`);
      assert.deepEqual([page.status, page.body.code, page.body.errors?.[0]?.field], [400, 'validation-failed', 'page'], `page=${text}: ${page.text}`);
      const version = await acme.http.get(`${versionsPath(owner)}/${encodeURIComponent(text)}`);
      assert.deepEqual([version.status, version.body.code], [400, 'validation-failed'], `version ${text}: ${version.text}`);
    }
    assert.equal((await acme.http.get('/api/v1/documents?page=1&pageSize=5')).status, 200);
    assert.equal((await acme.http.get(`${versionsPath(owner)}/1`)).status, 200);
    assert.equal((await acme.http.get(`${versionsPath(owner)}/01`)).status, 200, 'leading zeros are still decimal digits');
  });
});
