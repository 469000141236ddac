import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, TestContext, TestTenant } from '../support/context';
import type { HttpResponse } from '../support/http-client';

/** A body nested `depth` levels deep: {"a":{"a":…}}. */
const nested = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Issue 17 (hostile input): every refusal is a cheap 4xx Problem Details, never a 500. */
describe('hostile input', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  before(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
  });
  after(() => ctx?.close());

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
});
