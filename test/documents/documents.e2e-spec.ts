import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { expectCounts, race } from '@app/concurrency/testing';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext, TestTenant } from '../support/context';
import { documentBody, DocumentView, getDocument, ifMatch, newDocument, newPendingDocument } from '../support/factories/documents';
import type { HttpClient } from '@app/concurrency/testing';
import { expectCrossTenant404, expectNotListedCrossTenant, intruderOf } from '../support/tenant-isolation';

describe('Documents: CRUD, partial updates, lost-update races, stats', () => {
  let ctx: TestContext;
  let tenant: TestTenant;
  let clerk: HttpClient;

  beforeAll(async () => {
    ctx = await createTestContext();
    tenant = await ctx.newTenant();
    clerk = (await ctx.newUser(tenant, { roles: [Role.Clerk] })).http;
  });
  afterAll(() => ctx?.close());

  const total = async (http: HttpClient = clerk): Promise<number> => (await http.get('/api/v1/documents/stats')).body.total as number;

  it('creates a draft (201 + ETag); GET one answers 304 to a matching If-None-Match', async () => {
    const res = await clerk.post('/api/v1/documents', documentBody({ title: 'Fresh' }));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.etag, '"1"');
    const doc = res.body as DocumentView & Record<string, unknown>;
    assert.equal(doc.status, 'draft');
    assert.equal(doc.version, 1);
    assert.match(doc.id, /^[0-9a-f]{24}$/);
    assert.equal(doc._id, undefined);
    assert.equal(doc.history, undefined);

    const one = await clerk.get(`/api/v1/documents/${doc.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.headers.etag, '"1"');
    const cached = await clerk.get(`/api/v1/documents/${doc.id}`, { headers: { 'if-none-match': '"1"' } });
    assert.equal(cached.status, 304);
    assert.equal(cached.text, '');
  });

  it('PATCH requires If-Match (428) and refuses a stale one (412 with currentVersion)', async () => {
    const doc = await newDocument(clerk);
    const missing = await clerk.patch(`/api/v1/documents/${doc.id}`, { title: 'x' });
    assert.equal(missing.status, 428);
    assert.equal(missing.body.code, 'precondition-required');
    assert.equal((await clerk.patch(`/api/v1/documents/${doc.id}`, { title: 'v2' }, { headers: ifMatch(1) })).status, 200);
    const stale = await clerk.patch(`/api/v1/documents/${doc.id}`, { title: 'lost' }, { headers: ifMatch(1) });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.code, 'version-mismatch');
    assert.equal(stale.body.currentVersion, 2);
    assert.equal(stale.headers.etag, '"2"');
    assert.equal((await getDocument(clerk, doc.id)).title, 'v2');
  });

  it('PATCH of one field keeps every other field; null clears customerRef; fields merge key by key', async () => {
    const doc = await newDocument(clerk, { tags: ['a', 'b'], fields: { amountCents: 500, renewal: 'annual', region: 'EU' } });
    const res = await clerk.patch(`/api/v1/documents/${doc.id}`, { category: 'invoices' }, { headers: ifMatch(1) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.etag, '"2"');
    const { category: _c, version: _v, updatedAt: _u, ...keptBefore } = doc as DocumentView & { updatedAt: string };
    const { category, version, updatedAt: _u2, ...keptAfter } = res.body as DocumentView & { updatedAt: string };
    assert.equal(category, 'invoices');
    assert.equal(version, 2);
    assert.deepEqual(keptAfter, keptBefore);

    const cleared = await clerk.patch(
      `/api/v1/documents/${doc.id}`,
      { customerRef: null, fields: { renewal: 'monthly', region: null } },
      { headers: ifMatch(2) },
    );
    assert.equal(cleared.status, 200, cleared.text);
    assert.equal(cleared.body.customerRef, undefined);
    assert.deepEqual(cleared.body.fields, { amountCents: 500, renewal: 'monthly' });
    assert.deepEqual(cleared.body.tags, ['a', 'b']);
    assert.equal(cleared.body.title, doc.title);
  });

  it('100 concurrent PATCHes with one If-Match → 1 × 200 + 99 × 412, and the winner is the final state', async () => {
    const doc = await newDocument(clerk);
    const result = await race(100, (i) => clerk.patch(`/api/v1/documents/${doc.id}`, { title: `writer-${i}` }, { headers: ifMatch(1) }));
    expectCounts(result, { 200: 1, 412: 99 });
    const winner = result.with(200)[0];
    const final = await getDocument(clerk, doc.id);
    assert.equal(final.title, `writer-${winner.index}`);
    assert.equal(final.version, 2);
    assert.equal(final.customerRef, doc.customerRef);
    assert.deepEqual(final.fields, doc.fields);
    for (const loser of result.with(412)) assert.equal((loser.value as { body: { currentVersion: number } }).body.currentVersion, 2);
  });

  it('DELETE requires If-Match: stale → 412 and the document survives; current → 204; then 404', async () => {
    const doc = await newDocument(clerk);
    await clerk.patch(`/api/v1/documents/${doc.id}`, { title: 'edited' }, { headers: ifMatch(1) });
    assert.equal((await clerk.delete(`/api/v1/documents/${doc.id}`)).status, 428);
    const stale = await clerk.delete(`/api/v1/documents/${doc.id}`, { headers: ifMatch(1) });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.currentVersion, 2);
    assert.equal((await getDocument(clerk, doc.id)).title, 'edited');
    assert.equal((await clerk.delete(`/api/v1/documents/${doc.id}`, { headers: ifMatch(2) })).status, 204);
    assert.equal((await clerk.get(`/api/v1/documents/${doc.id}`)).status, 404);
    assert.equal((await clerk.delete(`/api/v1/documents/${doc.id}`, { headers: ifMatch(2) })).status, 404);
  });

  it('lists with filters and pages; items and total agree', async () => {
    const category = `cat-${Date.now()}`;
    for (let i = 0; i < 5; i++) await newDocument(clerk, { category, tags: i % 2 === 0 ? ['even'] : ['odd'] });
    const page1 = await clerk.get('/api/v1/documents', { query: { category, pageSize: 2 } });
    assert.equal(page1.status, 200, page1.text);
    assert.equal(page1.body.total, 5);
    assert.equal(page1.body.items.length, 2);
    const page3 = await clerk.get('/api/v1/documents', { query: { category, pageSize: 2, page: 3 } });
    assert.equal(page3.body.items.length, 1);
    const even = await clerk.get('/api/v1/documents', { query: { category, tag: 'even' } });
    assert.equal(even.body.total, 3);
    const ids = new Set([...page1.body.items, ...page3.body.items].map((d: DocumentView) => d.id));
    assert.equal(ids.size, 3);
    assert.equal((await clerk.get('/api/v1/documents', { query: { pageSize: 0 } })).status, 400);
    assert.equal((await clerk.get('/api/v1/documents', { query: { status: 'lost' } })).status, 400);
  });

  it('stats: 40 concurrent creates while stats are read 20 times → Σ byStatus = total in every response', async () => {
    const before = await total();
    const creates = race(40, () => clerk.post('/api/v1/documents', documentBody({ category: 'stats' })));
    const reads = race(20, async (i) => {
      await new Promise((r) => setTimeout(r, i * 3));
      return clerk.get('/api/v1/documents/stats');
    });
    const [created, stats] = await Promise.all([creates, reads]);
    expectCounts(created, { 201: 40 });
    expectCounts(stats, { 200: 20 });
    for (const { value } of stats.outcomes) {
      const body = (value as { body: { total: number; byStatus: Record<string, number>; byCategory: Record<string, number> } }).body;
      const sum = Object.values(body.byStatus).reduce((a, b) => a + b, 0);
      assert.equal(sum, body.total, `Σ byStatus ${sum} ≠ total ${body.total}`);
      assert.equal(Object.values(body.byCategory).reduce((a, b) => a + b, 0), body.total);
      assert.ok(body.total >= before && body.total <= before + 40);
    }
    assert.equal(await total(), before + 40);
  });

  it('fields{} is a flat, bounded map: scalar values only, strings up to 1000 characters', async () => {
    const before = await total();
    const deep = (levels: number): unknown => (levels === 0 ? 1 : { a: deep(levels - 1) });
    for (const fields of [{ nested: { a: 1 } }, { deep: deep(30) }, { list: [1, 2] }, { big: 'x'.repeat(1001) }, { empty: {} }]) {
      const res = await clerk.post('/api/v1/documents', { ...documentBody(), fields });
      assert.deepEqual([res.status, res.body.errors?.[0]?.field], [400, 'fields'], `${JSON.stringify(fields).slice(0, 80)} → ${res.text}`);
    }
    const doc = await newDocument(clerk, { fields: { text: 'x'.repeat(1000), amountCents: 500, signed: true } });
    const patched = await clerk.patch(`/api/v1/documents/${doc.id}`, { fields: { text: { a: 1 } } }, { headers: ifMatch(1) });
    assert.deepEqual([patched.status, patched.body.errors?.[0]?.field], [400, 'fields'], patched.text);
    assert.equal(await total(), before + 1);
  });

  it('bad input → 400 and nothing written', async () => {
    const before = await total();
    const bad: unknown[] = [
      {},
      { ...documentBody(), title: '' },
      { ...documentBody(), title: 5 },
      { ...documentBody(), tags: 'x' },
      { ...documentBody(), tags: ['a', 'a'] },
      { ...documentBody(), status: 'approved' },
      { ...documentBody(), fields: { '': 1 } },
      { ...documentBody(), fields: { 'a b': 1 } },
      { ...documentBody(), fields: { $where: 1 } },
      { ...documentBody(), fields: [1, 2] },
    ];
    for (const body of bad) {
      const res = await clerk.post('/api/v1/documents', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${res.text}`);
    }
    const doc = await newDocument(clerk);
    for (const body of [{}, { title: null }, { category: '' }, { status: 'approved' }, { fields: { 'x.y': 1 } }, { customerRef: 7 }]) {
      const res = await clerk.patch(`/api/v1/documents/${doc.id}`, body, { headers: ifMatch(1) });
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${res.text}`);
    }
    assert.equal((await clerk.patch(`/api/v1/documents/${doc.id}`, { title: 'x' }, { headers: { 'if-match': 'W/"1"' } })).status, 400);
    assert.equal((await clerk.get('/api/v1/documents/not-an-id')).status, 400);
    assert.equal((await clerk.patch('/api/v1/documents/not-an-id', { title: 'x' }, { headers: ifMatch(1) })).status, 400);
    assert.deepEqual(await getDocument(clerk, doc.id), doc);
    assert.equal(await total(), before + 1);
  });

  it('another tenant gets 404 on every document route, and sees none of them in list, stats or bulk', async () => {
    const doc = await newDocument(clerk);
    const id = doc.id;
    const read = `/api/v1/documents/${id}`;
    await expectCrossTenant404(ctx, tenant, { method: 'GET', path: read });
    await expectCrossTenant404(ctx, tenant, { method: 'PATCH', path: read, body: { title: 'hijack' } });
    await expectCrossTenant404(ctx, tenant, { method: 'DELETE', path: read });
    await expectCrossTenant404(ctx, tenant, { method: 'GET', path: `${read}/approvals` });
    await expectCrossTenant404(ctx, tenant, { method: 'POST', path: `${read}/request-approval`, readPath: read });
    const pending = await newPendingDocument(clerk);
    const pendingPath = `/api/v1/documents/${pending.id}`;
    await expectCrossTenant404(ctx, tenant, { method: 'POST', path: `${pendingPath}/approve`, body: {}, readPath: pendingPath });
    await expectCrossTenant404(ctx, tenant, { method: 'POST', path: `${pendingPath}/reject`, body: { reason: 'no' }, readPath: pendingPath });
    await expectNotListedCrossTenant(ctx, { path: '/api/v1/documents', id });

    // Bulk names ids in the body: another tenant's ids read as missing in both modes.
    const intruder = await intruderOf(ctx);
    const atomic = await intruder.http.patch('/api/v1/documents/bulk', { items: [{ id, version: 1 }], set: { category: 'hijack' } });
    assert.equal(atomic.status, 404, atomic.text);
    assert.deepEqual(atomic.body.conflicts, [{ id, reason: 'not-found' }]);
    const partial = await intruder.http.patch('/api/v1/documents/bulk', { items: [{ id, version: 1 }], set: { category: 'hijack' }, mode: 'partial' });
    assert.equal(partial.status, 200);
    assert.equal(partial.body.results[0].outcome, 'not-found');
    const theirStats = await intruder.http.get('/api/v1/documents/stats');
    assert.equal(theirStats.body.total, 0);
    assert.deepEqual(await getDocument(clerk, id), doc);
  });
});
