import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { expectCounts, race } from '@app/concurrency/testing';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext } from '../support/context';
import { ifMatch } from '../support/factories/documents';
import type { HttpClient } from '@app/concurrency/testing';
import { intruderOf } from '../support/tenant-isolation';

const S = '/api/v1/settings';

describe('Settings: mergeable list options, versioned values', () => {
  let ctx: TestContext;
  let admin: HttpClient;
  let clerk: HttpClient;
  let n = 0;
  const key = () => `setting-${++n}`;

  beforeAll(async () => {
    ctx = await createTestContext();
    const tenant = await ctx.newTenant();
    admin = (await ctx.newUser(tenant, { roles: [Role.Admin] })).http;
    clerk = (await ctx.newUser(tenant, { roles: [Role.Clerk] })).http;
  });
  afterAll(() => ctx?.close());

  it('20 concurrent option adds to one (new) list setting → 20 options, none lost', async () => {
    const k = key();
    const result = await race(20, (i) => admin.post(`${S}/${k}/items`, { value: `option-${i}` }));
    expectCounts(result, { 200: 20 });
    const res = await clerk.get(`${S}/${k}`);
    assert.equal(res.status, 200);
    assert.deepEqual([...res.body.value].sort(), Array.from({ length: 20 }, (_, i) => `option-${i}`).sort());
    assert.equal(res.body.version, 20);
    assert.equal(res.headers.etag, '"20"');
  });

  it('20 concurrent adds and removes on an existing list keep every untouched option', async () => {
    const k = key();
    const base = Array.from({ length: 10 }, (_, i) => `keep-${i}`);
    const drop = Array.from({ length: 10 }, (_, i) => `drop-${i}`);
    assert.equal((await admin.put(`${S}/${k}`, { value: [...base, ...drop] }, { headers: ifMatch(0) })).status, 200);
    const result = await race(20, (i) =>
      i < 10 ? admin.post(`${S}/${k}/items`, { value: `new-${i}` }) : admin.delete(`${S}/${k}/items/${encodeURIComponent(drop[i - 10])}`),
    );
    expectCounts(result, { 200: 20 });
    const value = (await admin.get(`${S}/${k}`)).body.value as string[];
    assert.deepEqual([...value].sort(), [...base, ...Array.from({ length: 10 }, (_, i) => `new-${i}`)].sort());
  });

  it('adding an existing option or removing an absent one changes nothing', async () => {
    const k = key();
    await admin.post(`${S}/${k}/items`, { value: 'a' });
    const again = await admin.post(`${S}/${k}/items`, { value: 'a' });
    assert.deepEqual(again.body.value, ['a']);
    const removed = await admin.delete(`${S}/${k}/items/b`);
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body.value, ['a']);
    assert.equal((await admin.delete(`${S}/does-not-exist/items/b`)).status, 404);
  });

  it('GET has an ETag (304 on If-None-Match); PUT needs If-Match: missing 428, stale 412; "0" creates once', async () => {
    const k = key();
    assert.equal((await admin.get(`${S}/${k}`)).status, 404);
    assert.equal((await admin.put(`${S}/${k}`, { value: { currency: 'EUR' } })).status, 428);
    const created = await admin.put(`${S}/${k}`, { value: { currency: 'EUR' } }, { headers: ifMatch(0) });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.headers.etag, '"1"');
    const twice = await admin.put(`${S}/${k}`, { value: { currency: 'USD' } }, { headers: ifMatch(0) });
    assert.equal(twice.status, 412);
    assert.equal(twice.body.currentVersion, 1);
    const got = await clerk.get(`${S}/${k}`);
    assert.deepEqual(got.body, { key: k, value: { currency: 'EUR' }, version: 1 });
    assert.equal((await clerk.get(`${S}/${k}`, { headers: { 'if-none-match': '"1"' } })).status, 304);

    const race100 = await race(20, (i) => admin.put(`${S}/${k}`, { value: { currency: `C${i}` } }, { headers: ifMatch(1) }));
    expectCounts(race100, { 200: 1, 412: 19 });
    assert.equal((await admin.get(`${S}/${k}`)).body.version, 2);
    assert.equal((await admin.post(`${S}/${k}/items`, { value: 'x' })).status, 409, 'a single-value setting is not a list');
  });

  it('only admins change settings; everyone reads', async () => {
    const k = key();
    await admin.post(`${S}/${k}/items`, { value: 'a' });
    assert.equal((await clerk.post(`${S}/${k}/items`, { value: 'b' })).status, 403);
    assert.equal((await clerk.put(`${S}/${k}`, { value: ['b'] }, { headers: ifMatch(1) })).status, 403);
    assert.equal((await clerk.delete(`${S}/${k}/items/a`)).status, 403);
    assert.deepEqual((await clerk.get(`${S}/${k}`)).body.value, ['a']);
  });

  it('bad input → 400 and nothing written', async () => {
    const k = key();
    await admin.post(`${S}/${k}/items`, { value: 'a' });
    const cases: Array<[string, string, unknown?]> = [
      ['POST', `${S}/Bad_Key/items`, { value: 'x' }],
      ['POST', `${S}/${'k'.repeat(65)}/items`, { value: 'x' }],
      ['POST', `${S}/${k}/items`, { value: '' }],
      ['POST', `${S}/${k}/items`, { value: 5 }],
      ['POST', `${S}/${k}/items`, { value: 'x'.repeat(101) }],
      ['POST', `${S}/${k}/items`, { value: 'x', extra: 1 }],
      ['POST', `${S}/${k}/items`, {}],
      ['PUT', `${S}/${k}`, {}],
      ['PUT', `${S}/${k}`, { value: null }],
      ['PUT', `${S}/${k}`, { value: ['a', 'a'] }],
      ['PUT', `${S}/${k}`, { value: [1, 2] }],
      ['PUT', `${S}/${k}`, { value: { $set: { x: 1 } } }],
    ];
    for (const [method, path, body] of cases) {
      const res = await admin.send(method, path, { body, headers: ifMatch(1) });
      assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${res.text}`);
    }
    const after = await admin.get(`${S}/${k}`);
    assert.deepEqual(after.body, { key: k, value: ['a'], version: 1 });
    assert.equal((await admin.get(`${S}/_key`)).status, 400);
  });

  it('snake_case keys are settings like any other (dropdown_customers)', async () => {
    const put = await admin.put(`${S}/dropdown_customers`, { value: ['acme', 'globex'] }, { headers: ifMatch(0) });
    assert.equal(put.status, 200, put.text);
    assert.equal((await admin.post(`${S}/dropdown_customers/items`, { value: 'initech' })).status, 200);
    const got = await clerk.get(`${S}/dropdown_customers`);
    assert.deepEqual(got.body, { key: 'dropdown_customers', value: ['acme', 'globex', 'initech'], version: 2 });
  });

  it("another tenant's setting is a 404 on every route (same answer as a missing key), and its own adds never touch ours", async () => {
    const k = key();
    await admin.post(`${S}/${k}/items`, { value: 'ours' });
    const before = await admin.get(`${S}/${k}`);
    const intruder = (await intruderOf(ctx)).http;
    // Keys, not ids, address settings, so the shared id-swapping helper does not apply: compare
    // the cross-tenant answer with the answer for a key that exists nowhere.
    const routes: Array<[string, (key: string) => string, unknown?]> = [
      ['GET', (x) => `${S}/${x}`],
      ['PUT', (x) => `${S}/${x}`, { value: ['theirs'] }],
      ['DELETE', (x) => `${S}/${x}/items/ours`],
    ];
    for (const [method, path, body] of routes) {
      const cross = await intruder.send(method, path(k), { body, headers: ifMatch(1) });
      const missing = await intruder.send(method, path('missing-everywhere'), { body, headers: ifMatch(1) });
      assert.equal(cross.status, 404, `${method} ${path(k)}: ${cross.status} ${cross.text}`);
      assert.equal(cross.body.code, 'not-found');
      assert.deepEqual([cross.status, cross.body.code, cross.body.detail], [missing.status, missing.body.code, missing.body.detail]);
    }
    // POST …/items creates the setting in the caller's own tenant: a different resource.
    const theirs = await intruder.post(`${S}/${k}/items`, { value: 'theirs' });
    assert.equal(theirs.status, 200);
    assert.deepEqual(theirs.body.value, ['theirs']);
    const after = await admin.get(`${S}/${k}`);
    assert.deepEqual(after.body, before.body);
    assert.equal(after.headers.etag, before.headers.etag);
  });
});
