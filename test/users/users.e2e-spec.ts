import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Role } from '../../src/auth/role';
import { createTestContext, DEFAULT_PASSWORD, TestContext, TestTenant } from '../support/context';
import { expectCounts, race } from '@app/concurrency/testing';
import { expectCrossTenant404, expectNotListedCrossTenant } from '../support/tenant-isolation';

const USERS = '/api/v1/users';

describe('users', () => {
  let ctx: TestContext;
  let acme: TestTenant;
  beforeAll(async () => {
    ctx = await createTestContext();
    acme = await ctx.newTenant({ name: 'Acme' });
  });
  afterAll(() => ctx?.close());

  const newUserBody = (roles: Role[] = [Role.Clerk]) => ({ email: ctx.uniqueEmail(), password: DEFAULT_PASSWORD, displayName: 'Grace', roles });

  describe('POST /users', () => {
    it('201 with the user, never a password or hash', async () => {
      const body = newUserBody([Role.Manager, Role.Clerk]);
      const res = await acme.http.post(USERS, { ...body, email: body.email.toUpperCase() });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(Object.keys(res.body).sort(), ['createdAt', 'displayName', 'email', 'id', 'roles', 'tenantId', 'updatedAt', 'version']);
      assert.equal(res.body.email, body.email);
      assert.equal(res.body.tenantId, acme.tenantId);
      assert.equal(res.body.version, 1);
      assert.doesNotMatch(res.text, /password|hash|argon|_id|__v/i);
      const listed = await acme.http.get(USERS);
      assert.doesNotMatch(listed.text, /password|hash|argon|"_id"|__v/i);
    });

    it('409 duplicate for an email taken in any tenant, in any case', async () => {
      const other = await ctx.newTenant();
      const res = await acme.http.post(USERS, { ...newUserBody(), email: other.email.toUpperCase() });
      assert.equal(res.status, 409);
      assert.equal(res.body.code, 'duplicate');
      assert.deepEqual(res.body.fields, ['email']);
    });

    it('400 for a short password, an unknown role or an unknown field', async () => {
      const res = await acme.http.post(USERS, { ...newUserBody(), password: 'short', roles: ['owner'], isAdmin: true });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body.errors.map((e: { field: string }) => e.field).sort(), ['isAdmin', 'password', 'roles']);
    });

    it('403 for non-admins, 401 without a token', async () => {
      for (const role of [Role.Manager, Role.Accountant, Role.Clerk]) {
        const user = await ctx.newUser(acme, { roles: [role] });
        const res = await user.http.post(USERS, newUserBody());
        assert.equal(res.status, 403, role);
        assert.equal(res.body.code, 'forbidden');
      }
      assert.equal((await ctx.http.post(USERS, newUserBody())).status, 401);
    });
  });

  describe('GET /users', () => {
    it('lists the tenant’s users to any member; GET one carries its ETag', async () => {
      const clerk = await ctx.newUser(acme, { roles: [Role.Clerk] });
      const list = await clerk.http.get(USERS, { query: { pageSize: 100 } });
      assert.equal(list.status, 200);
      assert.deepEqual([list.body.page, list.body.pageSize, list.body.total >= list.body.items.length], [1, 100, true]);
      assert.ok(list.body.items.some((u: { id: string }) => u.id === acme.userId));
      assert.ok(list.body.items.every((u: { tenantId: string }) => u.tenantId === acme.tenantId));
      const one = await clerk.http.get(`${USERS}/${clerk.userId}`);
      assert.equal(one.status, 200);
      assert.equal(one.headers.etag, `"${one.body.version}"`);
      const notModified = await clerk.http.get(`${USERS}/${clerk.userId}`, { headers: { 'if-none-match': one.headers.etag } });
      assert.equal(notModified.status, 304);
      assert.equal((await clerk.http.get(`${USERS}/not-an-id`)).body.code, 'invalid-id');
      for (const query of [{ pageSize: 'abc' }, { pageSize: 101 }, { page: 0 }, { limit: 10 }, { offset: 1 }]) {
        const bad = await clerk.http.get(USERS, { query });
        assert.deepEqual([bad.status, bad.body.code], [400, 'validation-failed'], JSON.stringify(query));
      }
    });

    it('pages oldest first: ?page&pageSize → { items, total, page, pageSize }', async () => {
      const tenant = await ctx.newTenant();
      const users = [tenant.userId];
      for (let i = 0; i < 4; i++) users.push((await ctx.newUser(tenant, { roles: [Role.Clerk] })).userId);
      const second = await tenant.http.get(USERS, { query: { page: 2, pageSize: 2 } });
      assert.equal(second.status, 200);
      assert.deepEqual(
        { ids: second.body.items.map((u: { id: string }) => u.id), total: second.body.total, page: second.body.page, pageSize: second.body.pageSize },
        { ids: users.slice(2, 4), total: 5, page: 2, pageSize: 2 },
      );
      const defaults = await tenant.http.get(USERS);
      assert.deepEqual([defaults.body.items.length, defaults.body.total, defaults.body.page, defaults.body.pageSize], [5, 5, 1, 20]);
    });
  });

  describe('PATCH /users/:id', () => {
    it('428 without If-Match, 412 when stale (with currentVersion), partial on success', async () => {
      const user = await ctx.newUser(acme, { roles: [Role.Clerk, Role.Accountant] });
      const path = `${USERS}/${user.userId}`;
      const missing = await acme.http.patch(path, { displayName: 'New' });
      assert.equal(missing.status, 428);
      assert.equal(missing.body.code, 'precondition-required');

      const ok = await acme.http.patch(path, { displayName: 'Renamed' }, { headers: { 'if-match': '"1"' } });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.version, 2);
      assert.equal(ok.headers.etag, '"2"');
      assert.equal(ok.body.displayName, 'Renamed');
      assert.deepEqual(ok.body.roles, [Role.Clerk, Role.Accountant], 'fields not sent are unchanged');

      const stale = await acme.http.patch(path, { displayName: 'Again' }, { headers: { 'if-match': '"1"' } });
      assert.equal(stale.status, 412);
      assert.equal(stale.body.code, 'version-mismatch');
      assert.equal(stale.body.currentVersion, 2);
      assert.equal((await acme.http.get(path)).body.displayName, 'Renamed');

      const empty = await acme.http.patch(path, {}, { headers: { 'if-match': '"2"' } });
      assert.equal(empty.status, 400);
      assert.equal((await user.http.patch(path, { displayName: 'Self' }, { headers: { 'if-match': '"2"' } })).status, 403, 'admin only');
    });

    it('two admins editing different fields from the same version: one 200, one 412, nothing silently lost', async () => {
      const second = await ctx.newUser(acme, { roles: [Role.Admin] });
      const target = await ctx.newUser(acme, { roles: [Role.Clerk] });
      const path = `${USERS}/${target.userId}`;
      const { etag } = (await acme.http.get(path)).headers;
      const edits = [
        () => acme.http.patch(path, { displayName: 'By first admin' }, { headers: { 'if-match': etag } }),
        () => second.http.patch(path, { roles: [Role.Manager] }, { headers: { 'if-match': etag } }),
      ];
      const result = await race(2, (i) => edits[i]());
      expectCounts(result, { 200: 1, 412: 1 });
      const final = (await acme.http.get(path)).body;
      assert.equal(final.version, 2);
      const won = result.with(200)[0];
      // The state is exactly the winner's edit applied to version 1: the loser was told, not merged.
      if (won.index === 0) assert.deepEqual([final.displayName, final.roles], ['By first admin', [Role.Clerk]]);
      else assert.deepEqual([final.displayName, final.roles], ['Test User', [Role.Manager]]);
      assert.deepEqual(won.value!.body, final);
    });

    it('many admins racing on one version: exactly one 200', async () => {
      const target = await ctx.newUser(acme, { roles: [Role.Clerk] });
      const path = `${USERS}/${target.userId}`;
      expectCounts(await race(10, (i) => acme.http.patch(path, { displayName: `Name ${i}` }, { headers: { 'if-match': '"1"' } })), { 200: 1, 412: 9 });
      assert.equal((await acme.http.get(path)).body.version, 2);
    });

    it('a role change applies to live tokens at once', async () => {
      const user = await ctx.newUser(acme, { roles: [Role.Clerk] });
      assert.equal((await user.http.post(USERS, newUserBody())).status, 403);
      const promoted = await acme.http.patch(`${USERS}/${user.userId}`, { roles: [Role.Admin] }, { headers: { 'if-match': '"1"' } });
      assert.equal(promoted.status, 200);
      assert.equal((await user.http.post(USERS, newUserBody())).status, 201, 'same token, new role');
      const demoted = await acme.http.patch(`${USERS}/${user.userId}`, { roles: [Role.Clerk] }, { headers: { 'if-match': '"2"' } });
      assert.equal(demoted.status, 200);
      assert.equal((await user.http.post(USERS, newUserBody())).status, 403, 'demotion is immediate');
    });
  });

  describe('last admin', () => {
    it('the only admin cannot demote themselves (409 last-admin)', async () => {
      const solo = await ctx.newTenant();
      const res = await solo.http.patch(`${USERS}/${solo.userId}`, { roles: [Role.Manager] }, { headers: { 'if-match': '"1"' } });
      assert.equal(res.status, 409);
      assert.equal(res.body.code, 'last-admin');
      const me = await solo.http.get(`${USERS}/${solo.userId}`);
      assert.deepEqual(me.body.roles, [Role.Admin]);
      assert.equal(me.body.version, 1, 'nothing changed');
    });

    it('two admins demoting each other at once never leave zero admins', async () => {
      for (let round = 0; round < 5; round++) {
        const tenant = await ctx.newTenant();
        const other = await ctx.newUser(tenant, { roles: [Role.Admin] });
        const founderVersion = (await tenant.http.get(`${USERS}/${tenant.userId}`)).headers.etag;
        const demotions = [
          () => tenant.http.patch(`${USERS}/${other.userId}`, { roles: [Role.Clerk] }, { headers: { 'if-match': '"1"' } }),
          () => other.http.patch(`${USERS}/${tenant.userId}`, { roles: [Role.Clerk] }, { headers: { 'if-match': founderVersion } }),
        ];
        const responses = (await race(2, (i) => demotions[i]())).outcomes.map((o) => o.value!);
        const statuses = responses.map((r) => r.status).sort();
        // One demotion lands. The other is refused: 409 last-admin, or 403 when the winner's
        // commit already took its author's admin role before its request was authorised.
        assert.equal(statuses[0], 200, `round ${round}: ${responses.map((r) => r.text).join(' | ')}`);
        assert.ok([403, 409].includes(statuses[1]), `round ${round}: second status ${statuses[1]}`);
        // Both are still signed in (a role change does not end sessions); any role may list.
        const admins = (await tenant.http.get(USERS)).body.items.filter((u: { roles: Role[] }) => u.roles.includes(Role.Admin));
        assert.equal(admins.length, 1, `round ${round}: admins left ${JSON.stringify(admins)}`);
      }
    });
  });

  describe('tenant isolation', () => {
    it('another tenant gets 404 for GET and PATCH of a user, and nothing changes', async () => {
      const user = await ctx.newUser(acme, { roles: [Role.Clerk] });
      await expectCrossTenant404(ctx, acme, { method: 'GET', path: `${USERS}/${user.userId}` });
      await expectCrossTenant404(ctx, acme, { method: 'PATCH', path: `${USERS}/${user.userId}`, body: { displayName: 'Hijacked', roles: [Role.Admin] } });
      await expectNotListedCrossTenant(ctx, { path: USERS, id: user.userId });
    });
  });
});
