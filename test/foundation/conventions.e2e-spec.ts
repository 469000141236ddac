import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { DiagnosticsModule } from '../support/diagnostics.module';
import { startTestApp, TestApp } from '../support/test-app';

describe('API conventions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ extraModules: [DiagnosticsModule] });
  });
  afterAll(() => t?.close());

  const count = async () => (await t.http.get('/api/v1/_diagnostics/count')).body.count as number;

  it('answers readiness and liveness', async () => {
    assert.equal((await t.http.get('/health/live')).status, 200);
    const ready = await t.http.get('/health/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.info.database.status, 'up');
  });

  it('serves Swagger UI and the OpenAPI document with bearer auth', async () => {
    const ui = await t.http.get('/docs');
    assert.equal(ui.status, 200);
    assert.match(ui.text, /swagger/i);
    const doc = await t.http.get('/docs-json');
    assert.equal(doc.status, 200);
    assert.ok(doc.body.components.securitySchemes.bearer);
  });

  it('every list route pages the same way: ?page&pageSize (≤ 100) → { items, total, page, pageSize }', async () => {
    type Schema = { $ref?: string; type?: string; properties?: Record<string, Schema>; items?: Schema };
    type Param = { name: string; in: string; schema: { minimum?: number; maximum?: number; default?: number } };
    type Op = { parameters?: Param[]; responses: Record<string, { content?: Record<string, { schema: Schema }> }> };
    const doc = (await t.http.get('/docs-json')).body as { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, Schema> } };
    const resolve = (s: Schema): Schema => (s.$ref ? doc.components.schemas[s.$ref.split('/').pop()!] : s);
    const lists = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.parameters?.some((p) => p.in === 'query' && ['page', 'pageSize', 'limit', 'offset'].includes(p.name)))
        .map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
    );
    assert.ok(lists.length >= 13, lists.map((l) => l.route).join('\n'));
    for (const { route, op } of lists) {
      const query = Object.fromEntries(op.parameters!.filter((p) => p.in === 'query').map((p) => [p.name, p.schema]));
      assert.ok(!('limit' in query) && !('offset' in query), `${route}: limit/offset`);
      assert.deepEqual([query.page?.minimum, query.page?.default], [1, 1], `${route}: page`);
      assert.deepEqual([query.pageSize?.minimum, query.pageSize?.maximum, query.pageSize?.default], [1, 100, 20], `${route}: pageSize`);
      const body = resolve(op.responses['200'].content!['application/json'].schema);
      for (const key of ['items', 'total', 'page', 'pageSize']) assert.ok(body.properties?.[key], `${route}: no ${key}`);
      assert.ok(resolve(body.properties!.items.items!).properties, `${route}: items have no documented type`);
    }
  });

  it('400 with field errors as Problem Details, and nothing written', async () => {
    const before = await count();
    const res = await t.http.post('/api/v1/_diagnostics/echo', { name: 'x', count: '5', lines: [{ quantity: 0 }] });
    assert.equal(res.status, 400);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    assert.equal(res.body.code, 'validation-failed');
    assert.equal(res.body.status, 400);
    assert.equal(res.body.instance, '/api/v1/_diagnostics/echo');
    const fields = [...new Set(res.body.errors.map((e: { field: string }) => e.field))].sort();
    assert.deepEqual(fields, ['count', 'lines.0.quantity', 'name']);
    assert.equal(await count(), before);
  });

  it('rejects unknown fields instead of dropping them', async () => {
    const res = await t.http.post('/api/v1/_diagnostics/echo', { name: 'ok', count: 1, extra: true });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'extra');
  });

  it('rejects $-keys and dotted keys in body and query with nothing written', async () => {
    const before = await count();
    for (const body of [
      { name: 'ok', count: 1, $where: 'sleep(1000)' },
      { name: { $ne: null }, count: 1 },
      { name: 'ok', count: 1, lines: [{ quantity: 1, 'a.b': 2 }] },
    ]) {
      const res = await t.http.post('/api/v1/_diagnostics/echo', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 'invalid-key');
    }
    for (const query of ['$where=1', 'q[$ne]=x', 'a.b=1']) {
      const res = await t.http.get(`/api/v1/_diagnostics/search?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.code, 'invalid-key');
    }
    assert.equal(await count(), before);
  });

  it('400 for a malformed id in the path', async () => {
    const res = await t.http.get('/api/v1/_diagnostics/things/not-an-id');
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'invalid-id');
    assert.equal((await t.http.get('/api/v1/_diagnostics/things/65a1b2c3d4e5f60718293a4b')).status, 200);
  });

  it('414 Problem Details for a path parameter over the router limit', async () => {
    const res = await t.http.get(`/api/v1/_diagnostics/things/${'x'.repeat(600)}`);
    assert.equal(res.status, 414);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    assert.equal(res.body.code, 'uri-too-long');
  });

  it('400 for malformed JSON', async () => {
    const res = await t.http.post('/api/v1/_diagnostics/echo', undefined, { rawBody: '{"name": ' });
    assert.equal(res.status, 400);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
  });

  it('404 Problem Details for an unknown route', async () => {
    const res = await t.http.get('/api/v1/no/such/route');
    assert.equal(res.status, 404);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    assert.equal(res.body.code, 'not-found');
  });

  it('413 for a body over 1 MiB, and nothing written', async () => {
    const before = await count();
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10), count: 1 });
    const res = await t.http.post('/api/v1/_diagnostics/echo', undefined, { rawBody: big });
    assert.equal(res.status, 413);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    assert.equal(res.body.code, 'payload-too-large');
    assert.equal(await count(), before);
  });

  it('500 without leaking internals', async () => {
    const res = await t.http.post('/api/v1/_diagnostics/boom', {});
    assert.equal(res.status, 500);
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    assert.equal(res.body.code, 'internal');
    assert.doesNotMatch(res.text, /E11000|secret\.ts|deadbeef|MongoServerError|at \//);
  });

  it('echoes X-Request-Id, or generates one', async () => {
    const given = await t.http.get('/health/live', { headers: { 'x-request-id': 'trace-abc-123' } });
    assert.equal(given.headers['x-request-id'], 'trace-abc-123');
    const generated = await t.http.get('/health/live');
    assert.match(generated.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  });

  it('sets helmet security headers', async () => {
    const res = await t.http.get('/health/live');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  it('exposes http_ metrics after a request', async () => {
    await t.http.get('/health/live');
    const res = await t.http.get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.text, /http_request_duration_seconds_bucket\{[^}]*route="\/health\/live"/);
    assert.match(res.text, /http_requests_total\{method="GET",route="\/health\/live",status="200"\}/);
  });
});
