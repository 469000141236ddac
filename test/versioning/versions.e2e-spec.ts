/**
 * Versioning over HTTP: metadata and file uploads, reads, downloads, restore, validation (400
 * and nothing written, no number used), limits (413), roles and tenant isolation (404 on
 * every route).
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { Role } from '../../src/auth/role';
import { createTestContext, TestContext, TestTenant, TestUser } from '../support/context';
import { expectCrossTenant404 } from '../support/tenant-isolation';
import {
  expectHistory,
  multipart,
  newFileVersion,
  newOwner,
  newVersion,
  postFile,
  postVersion,
  sha256,
  versionBody,
  versionsPath,
} from '../support/factories/versioning';

const UPLOAD_LIMIT = 25 * 1024 * 1024;

describe('Versioning (e2e)', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  let clerk: TestUser;
  let accountant: TestUser;
  let connection: Connection;

  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant();
    clerk = await ctx.newUser(acme, { roles: [Role.Clerk] });
    accountant = await ctx.newUser(acme, { roles: [Role.Accountant] });
    connection = ctx.app.get<Connection>(getConnectionToken());
  });
  afterAll(() => ctx?.close());

  /** Raw bytes of a download (the shared client decodes bodies as text). */
  async function download(path: string, token: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const res = await fetch(new URL(path, ctx.baseUrl), { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  it('a metadata upload → 201 v1, current; the next becomes v2 and the only current one; list, get and current agree', async () => {
    const owner = await newOwner(acme);
    const body = versionBody({ fileName: 'offer.pdf', sizeBytes: 48213 });
    const res = await postVersion(clerk, owner, body);
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(
      { ...res.body, id: undefined, createdAt: undefined },
      {
        id: undefined,
        ownerType: 'documents',
        ownerId: owner.id,
        version: 1,
        versionLabel: 'v1',
        isCurrent: true,
        fileName: 'offer.pdf',
        contentType: 'application/pdf',
        sizeBytes: 48213,
        checksum: body.checksum,
        hasContent: false,
        createdBy: clerk.userId,
        createdAt: undefined,
      },
    );
    assert.match(res.body.id, /^[0-9a-f]{24}$/);
    assert.ok(!Number.isNaN(Date.parse(res.body.createdAt)));
    assert.equal((res.body as unknown as Record<string, unknown>)._id, undefined);

    const second = await newVersion(clerk, owner);
    assert.equal(second.version, 2);
    const [v1, v2] = await expectHistory(clerk, owner, 2);
    assert.equal(v1.isCurrent, false);
    assert.equal(v2.id, second.id);
    const got = await clerk.http.get(`${versionsPath(owner)}/1`);
    assert.equal(got.status, 200);
    assert.equal(got.body.fileName, 'offer.pdf');
    assert.equal(got.body.isCurrent, false);
    // A version's number is not a concurrency version (isCurrent flips under it): no ETag, never 304.
    assert.equal(got.headers.etag, undefined);
    assert.equal((await clerk.http.get(`${versionsPath(owner)}/2`, { headers: { 'if-none-match': '"2"' } })).status, 200);
    const current = await clerk.http.get(`${versionsPath(owner)}/current`);
    assert.equal(current.headers.etag, '"2"');
    assert.equal((await clerk.http.get(`${versionsPath(owner)}/current`, { headers: { 'if-none-match': '"2"' } })).status, 304);
    const page = await clerk.http.get(versionsPath(owner), { query: { pageSize: 1, page: 2 } });
    assert.deepEqual(
      { versions: page.body.items.map((v: { version: number }) => v.version), total: page.body.total, page: page.body.page, pageSize: page.body.pageSize },
      { versions: [2], total: 2, page: 2, pageSize: 1 },
    );
    assert.equal((await clerk.http.get(versionsPath(owner), { query: { pageSize: 101 } })).status, 400);
  });

  it('a multipart upload stores the file: size and sha256 computed by the server; /content streams it back with its type', async () => {
    const owner = await newOwner(acme);
    const content = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256));
    const res = await postFile(clerk, owner, { fileName: 'Angebot für Müller.bin', contentType: 'image/png', content });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.version, 1);
    assert.equal(res.body.fileName, 'Angebot für Müller.bin');
    assert.equal(res.body.contentType, 'image/png');
    assert.equal(res.body.sizeBytes, content.length);
    assert.equal(res.body.checksum, sha256(content));
    assert.equal(res.body.hasContent, true);

    const file = await download(`${versionsPath(owner)}/1/content`, clerk.token);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/png');
    assert.equal(file.headers.get('content-length'), String(content.length));
    assert.equal(file.headers.get('content-disposition'), `attachment; filename="Angebot f_r M_ller.bin"; filename*=UTF-8''Angebot%20f%C3%BCr%20M%C3%BCller.bin`);
    assert.ok(file.bytes.equals(content), 'downloaded bytes differ');

    const empty = await newFileVersion(clerk, owner, { fileName: 'empty.txt', content: '' });
    assert.deepEqual([empty.version, empty.sizeBytes, empty.checksum], [2, 0, sha256('')]);
    assert.equal((await download(`${versionsPath(owner)}/2/content`, clerk.token)).bytes.length, 0);
  });

  it('restore appends the next version copying the old file (bytes included) and makes it current', async () => {
    const owner = await newOwner(acme);
    const original = await newFileVersion(clerk, owner, { fileName: 'drawing.txt', content: 'first drawing' });
    await newFileVersion(clerk, owner, { fileName: 'drawing.txt', content: 'second drawing' });
    await newVersion(clerk, owner);
    const res = await clerk.http.post(`${versionsPath(owner)}/1/restore`);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.version, 4);
    assert.equal(res.body.versionLabel, 'v4');
    assert.equal(res.body.isCurrent, true);
    assert.equal(res.body.restoredFrom, 1);
    assert.equal(res.body.createdBy, clerk.userId);
    for (const key of ['fileName', 'contentType', 'sizeBytes', 'checksum', 'hasContent'] as const) assert.equal(res.body[key], original[key], key);
    assert.equal((await download(`${versionsPath(owner)}/4/content`, clerk.token)).bytes.toString(), 'first drawing');
    assert.equal((await download(`${versionsPath(owner)}/1/content`, clerk.token)).bytes.toString(), 'first drawing', 'the source is untouched');
    await expectHistory(clerk, owner, 4);
    // A metadata-only version restores as metadata-only.
    const restored = await clerk.http.post(`${versionsPath(owner)}/3/restore`);
    assert.deepEqual([restored.status, restored.body.version, restored.body.hasContent], [201, 5, false]);
  });

  it('orders are owners too, with their own numbering; an id of the wrong owner type is a 404', async () => {
    const order = await newOwner(acme, 'orders');
    const doc = await newOwner(acme, 'documents');
    assert.equal((await newVersion(clerk, order)).version, 1);
    assert.equal((await newVersion(clerk, doc)).version, 1);
    assert.equal((await newVersion(clerk, order)).version, 2);
    const wrongType = await postVersion(clerk, { ownerType: 'orders', id: doc.id });
    assert.equal(wrongType.status, 404);
    assert.equal(wrongType.body.code, 'not-found');
    await expectHistory(clerk, order, 2);
    await expectHistory(clerk, doc, 1);
  });

  it('bad input → 400 Problem Details, nothing written and no number used (JSON, multipart, path)', async () => {
    const owner = await newOwner(acme);
    const path = versionsPath(owner);
    const jsonCases: Array<[unknown, string]> = [
      [{ ...versionBody(), fileName: '' }, 'fileName'],
      [{ ...versionBody(), fileName: 'x'.repeat(256) }, 'fileName'],
      [{ ...versionBody(), fileName: 'a/b.pdf' }, 'fileName'],
      [{ ...versionBody(), fileName: 'line\nbreak.pdf' }, 'fileName'],
      [{ ...versionBody(), fileName: 42 }, 'fileName'],
      [{ ...versionBody(), contentType: 'pdf' }, 'contentType'],
      [{ ...versionBody(), contentType: 'text/plain\r\nx-injected: 1' }, 'contentType'],
      [{ ...versionBody(), sizeBytes: -1 }, 'sizeBytes'],
      [{ ...versionBody(), sizeBytes: 1.5 }, 'sizeBytes'],
      [{ ...versionBody(), sizeBytes: '100' }, 'sizeBytes'],
      [{ ...versionBody(), checksum: 'abc' }, 'checksum'],
      [{ ...versionBody(), checksum: `sha256:${'A'.repeat(64)}` }, 'checksum'],
      [{ ...versionBody(), checksum: `sha256:${'a'.repeat(63)}` }, 'checksum'],
      [{ ...versionBody(), isCurrent: false }, 'isCurrent'],
      [{ ...versionBody(), version: 7 }, 'version'],
      [{ fileName: 'a.pdf' }, 'contentType'],
    ];
    for (const [body, field] of jsonCases) {
      const res = await postVersion(clerk, owner, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${res.text}`);
      assert.equal(res.body.code, 'validation-failed');
      assert.ok(res.body.errors.some((e: { field: string }) => e.field === field), `${JSON.stringify(body)} → ${res.text}`);
    }
    const injection = await postVersion(clerk, owner, { ...versionBody(), $where: '1' });
    assert.deepEqual([injection.status, injection.body.code], [400, 'invalid-key']);
    const notJson = await clerk.http.post(path, undefined, { rawBody: '{"fileName":', headers: { 'content-type': 'application/json' } });
    assert.deepEqual([notJson.status, notJson.body.code], [400, 'malformed-body']);
    const text = await clerk.http.post(path, undefined, { rawBody: 'hello', headers: { 'content-type': 'text/plain' } });
    assert.deepEqual([text.status, text.body.code], [415, 'unsupported-media-type'], text.text);
    const xml = await clerk.http.post(path, undefined, { rawBody: '<a/>', headers: { 'content-type': 'application/xml' } });
    assert.deepEqual([xml.status, xml.body.code], [415, 'unsupported-media-type'], xml.text);
    assert.equal((await clerk.http.post(path)).status, 400, 'no body at all');

    const noFile = await clerk.http.send('POST', path, multipart([{ field: 'note', value: 'no file here' }]));
    assert.equal(noFile.status, 400, noFile.text);
    assert.equal(noFile.body.errors[0].field, 'file');
    const badType = await postFile(clerk, owner, { fileName: 'a.txt', contentType: 'nonsense', content: 'abc' });
    assert.equal(badType.status, 400, badType.text);
    assert.equal(badType.body.errors[0].field, 'contentType');
    const { rawBody, headers } = multipart([{ fileName: 'cut.txt', content: 'abc' }]);
    const truncated = await clerk.http.send('POST', path, { rawBody: rawBody.subarray(0, rawBody.length - 20), headers });
    assert.equal(truncated.status, 400, truncated.text);

    for (const [p, field] of [
      [`/api/v1/versioning/invoices/${owner.id}/versions`, 'ownerType'],
      [`${path}/0`, 'version'],
      [`${path}/-1`, 'version'],
      [`${path}/1.5`, 'version'],
      [`${path}/v1`, 'version'],
      [`${path}/99999999999999999999`, 'version'],
    ] as const) {
      const res = await clerk.http.get(p);
      assert.equal(res.status, 400, `${p}: ${res.text}`);
      assert.equal(res.body.errors[0].field, field, p);
    }
    assert.equal((await clerk.http.post(`/api/v1/versioning/invoices/${owner.id}/versions`, versionBody())).status, 400);
    const badId = await clerk.http.get('/api/v1/versioning/documents/not-an-id/versions');
    assert.deepEqual([badId.status, badId.body.code], [400, 'invalid-id']);

    await expectHistory(clerk, owner, 0);
    assert.equal((await newVersion(clerk, owner)).version, 1, 'no number was used by the rejected uploads');
    assert.equal(await connection.db!.collection('file_contents.files').countDocuments({ 'metadata.ownerId': owner.id }), 0, 'no file stored');
  });

  it('a file over 25 MiB → 413 Problem Details; nothing is stored and no number used', async () => {
    const owner = await newOwner(acme);
    const res = await postFile(clerk, owner, { fileName: 'huge.bin', content: Buffer.alloc(UPLOAD_LIMIT + 1, 7) });
    assert.equal(res.status, 413, res.text.slice(0, 300));
    assert.equal(res.body.code, 'payload-too-large');
    assert.match(res.headers['content-type'], /application\/problem\+json/);
    await expectHistory(clerk, owner, 0);
    assert.equal(await connection.db!.collection('file_contents.files').countDocuments({ 'metadata.ownerId': owner.id }), 0);
    assert.equal((await newFileVersion(clerk, owner, { content: 'small' })).version, 1);
  });

  it('404s: unknown owner, no current version yet, unknown version, metadata-only content', async () => {
    const owner = await newOwner(acme);
    const missing = { ownerType: 'documents' as const, id: 'aaaaaaaaaaaaaaaaaaaaaaaa' };
    assert.equal((await postVersion(clerk, missing)).status, 404);
    assert.equal((await postFile(clerk, missing, { fileName: 'a.txt', content: 'abc' })).status, 404);
    assert.equal((await clerk.http.get(versionsPath(missing))).status, 404);
    assert.equal((await clerk.http.get(`${versionsPath(owner)}/current`)).status, 404);
    await newVersion(clerk, owner);
    assert.equal((await clerk.http.get(`${versionsPath(owner)}/2`)).status, 404);
    assert.equal((await clerk.http.post(`${versionsPath(owner)}/2/restore`)).status, 404);
    const noContent = await clerk.http.get(`${versionsPath(owner)}/1/content`);
    assert.deepEqual([noContent.status, noContent.body.code], [404, 'no-content']);
    await expectHistory(clerk, owner, 1);
  });

  it('roles: clerks and up may upload, read and restore; accountants get 403; anonymous 401', async () => {
    const owner = await newOwner(acme);
    await newVersion(clerk, owner);
    assert.equal((await postVersion(accountant, owner)).status, 403);
    assert.equal((await accountant.http.get(versionsPath(owner))).status, 403);
    assert.equal((await accountant.http.post(`${versionsPath(owner)}/1/restore`)).status, 403);
    assert.equal((await ctx.http.get(versionsPath(owner))).status, 401);
    assert.equal((await acme.http.post(`${versionsPath(owner)}/1/restore`)).status, 201, 'admin');
    await expectHistory(clerk, owner, 2);
  });

  it('another tenant gets 404 on every route, and nothing changes', async () => {
    for (const ownerType of ['documents', 'orders'] as const) {
      const owner = await newOwner(acme, ownerType);
      await newFileVersion(clerk, owner, { content: 'secret' });
      const base = versionsPath(owner);
      await expectCrossTenant404(ctx, acme, { method: 'POST', path: base, body: versionBody(), readPath: base });
      await expectCrossTenant404(ctx, acme, { method: 'GET', path: base });
      await expectCrossTenant404(ctx, acme, { method: 'GET', path: `${base}/current` });
      await expectCrossTenant404(ctx, acme, { method: 'GET', path: `${base}/1` });
      await expectCrossTenant404(ctx, acme, { method: 'GET', path: `${base}/1/content` });
      await expectCrossTenant404(ctx, acme, { method: 'POST', path: `${base}/1/restore`, readPath: base });
      await expectHistory(clerk, owner, 1);
    }
  });

  it('Swagger documents both upload bodies with a working example', async () => {
    const doc = await ctx.http.get('/docs-json');
    const op = doc.body.paths['/api/v1/versioning/{ownerType}/{ownerId}/versions'].post;
    assert.deepEqual(Object.keys(op.requestBody.content).sort(), ['application/json', 'multipart/form-data']);
    const example = op.requestBody.content['application/json'].example;
    const owner = await newOwner(acme);
    const res = await postVersion(clerk, owner, example);
    assert.equal(res.status, 201, res.text);
    for (const status of ['201', '400', '404', '413']) assert.ok(op.responses[status], `documents ${status}`);
  });
});
