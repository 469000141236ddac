/**
 * Tenant isolation assertions, for every module's suite and every route that addresses a
 * resource by id: another tenant's resource must look exactly like a missing one, and a
 * request against it must change nothing.
 *
 * ```ts
 * await expectCrossTenant404(ctx, acme, { method: 'GET', path: `/api/v1/users/${id}` });
 * await expectCrossTenant404(ctx, acme, { method: 'PATCH', path: `/api/v1/users/${id}`, body: { displayName: 'x' } });
 * await expectCrossTenant404(ctx, acme, { method: 'POST', path: `/api/v1/items/${id}/approve`, readPath: `/api/v1/items/${id}` });
 * await expectNotListedCrossTenant(ctx, { path: '/api/v1/users', id });
 * ```
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestContext, TestTenant } from './context';
import type { HttpResponse } from '@app/concurrency/testing';

export interface CrossTenantRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path naming a resource of `owner`'s tenant, e.g. `/api/v1/users/<id>`. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Where the owner reads the resource to prove nothing changed. Defaults to `path` (right for
   * GET/PATCH/PUT/DELETE on the resource itself); give it for sub-resource actions
   * (`POST /items/:id/approve` → `/items/:id`), or `null` when there is nothing to read.
   */
  readPath?: string | null;
}

const intruders = new WeakMap<TestContext, Promise<TestTenant>>();

/** An admin of another tenant (one per context): the most powerful outsider there is. */
export function intruderOf(ctx: TestContext): Promise<TestTenant> {
  let intruder = intruders.get(ctx);
  if (!intruder) {
    intruder = ctx.newTenant({ name: 'Intruder Inc' });
    intruders.set(ctx, intruder);
  }
  return intruder;
}

const OBJECT_ID_SEGMENT = /\/[0-9a-f]{24}(?=\/|$|\?)/gi;

/** The same path with its last id replaced by one that exists nowhere. */
function withMissingId(path: string): string {
  const matches = [...path.matchAll(OBJECT_ID_SEGMENT)];
  const last = matches.at(-1);
  assert.ok(last?.index !== undefined, `expectCrossTenant404: no 24-hex id in ${path}`);
  const missing = `/${randomBytes(12).toString('hex')}`;
  return path.slice(0, last.index) + missing + path.slice(last.index + last[0].length);
}

async function snapshot(owner: TestTenant, readPath: string | null): Promise<HttpResponse | undefined> {
  if (readPath === null) return undefined;
  const res = await owner.http.get(readPath);
  assert.equal(res.status, 200, `owner cannot read ${readPath} (${res.status}): the resource must exist for this check`);
  return res;
}

/**
 * Another tenant's admin calls `request` for a resource of `owner`'s tenant: 404 Problem
 * Details (`not-found`), the same answer as for an id that exists nowhere, and the owner's
 * view of the resource (body and ETag) is unchanged. For conditional routes the intruder even
 * sends the resource's current ETag as If-Match, so the 404 cannot hide behind a 428/412.
 */
export async function expectCrossTenant404(ctx: TestContext, owner: TestTenant, request: CrossTenantRequest): Promise<void> {
  const intruder = await intruderOf(ctx);
  assert.notEqual(intruder.tenantId, owner.tenantId);
  const readPath = request.readPath === undefined ? request.path : request.readPath;
  if (request.method === 'POST' && request.readPath === undefined) {
    throw new Error('expectCrossTenant404: give readPath (or null) for a POST: the owner must re-read the resource to prove nothing changed');
  }
  const before = await snapshot(owner, readPath);
  const headers: Record<string, string> = { ...request.headers };
  if (request.method !== 'GET' && !('if-match' in headers) && !('If-Match' in headers) && before?.headers.etag) {
    headers['if-match'] = before.headers.etag;
  }

  const send = (path: string) => intruder.http.send(request.method, path, { body: request.body, headers });
  const crossTenant = await send(request.path);
  const label = `${request.method} ${request.path} by another tenant`;
  assert.equal(crossTenant.status, 404, `${label}: expected 404, got ${crossTenant.status} ${crossTenant.text}`);
  assert.match(crossTenant.headers['content-type'] ?? '', /application\/problem\+json/, `${label}: not Problem Details`);
  assert.equal(crossTenant.body.code, 'not-found', `${label}: code`);

  const missing = await send(withMissingId(request.path));
  assert.equal(missing.status, 404, `${request.method} with a missing id: expected 404, got ${missing.status} ${missing.text}`);
  const comparable = (r: HttpResponse) => ({ status: r.status, type: r.body.type, title: r.body.title, code: r.body.code, detail: r.body.detail });
  assert.deepEqual(comparable(crossTenant), comparable(missing), `${label}: distinguishable from a missing resource`);

  if (before) {
    const after = await snapshot(owner, readPath);
    assert.deepEqual(after?.body, before.body, `${label}: the resource changed`);
    assert.equal(after?.headers.etag, before.headers.etag, `${label}: the ETag changed`);
  }
}

/** Another tenant's admin lists `path` and does not see `id` (list routes are scoped, not 404). */
export async function expectNotListedCrossTenant(ctx: TestContext, options: { path: string; id: string; itemsOf?: (body: any) => Array<{ id: string }> }): Promise<void> {
  const intruder = await intruderOf(ctx);
  const res = await intruder.http.get(options.path);
  assert.equal(res.status, 200, `GET ${options.path} by another tenant: ${res.status} ${res.text}`);
  const items = options.itemsOf ? options.itemsOf(res.body) : ((res.body.items ?? res.body) as Array<{ id: string }>);
  assert.ok(Array.isArray(items), `GET ${options.path}: no items array`);
  assert.ok(!items.some((i) => i.id === options.id), `GET ${options.path} by another tenant lists ${options.id}`);
}
