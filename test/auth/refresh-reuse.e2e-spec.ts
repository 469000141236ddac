import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { expectCounts, race } from '@app/concurrency/testing';
import { createTestContext, TestContext } from '../support/context';

const AUTH = '/api/v1/auth';

/**
 * Refresh-token reuse OUTSIDE the grace window. The window is set to 0 here, so every replay is
 * past it without a test having to wait (the default window is covered in auth.e2e-spec.ts).
 */
describe('refresh-token reuse after the grace window', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { AUTH_REFRESH_REUSE_GRACE_SECONDS: '0' } });
  });
  afterAll(() => ctx?.close());

  const refresh = (refreshToken: string) => ctx.http.post(`${AUTH}/refresh`, { refreshToken });
  const me = (token: string, userId: string) => ctx.http.get(`/api/v1/users/${userId}`, { token });

  it('a replayed refresh token revokes the whole session, successor included', async () => {
    const tenant = await ctx.newTenant();
    const next = await refresh(tenant.refreshToken);
    assert.equal(next.status, 200);
    const replay = await refresh(tenant.refreshToken);
    assert.deepEqual([replay.status, replay.body.code], [401, 'unauthenticated']);
    assert.equal((await refresh(next.body.refreshToken)).status, 401, 'the successor dies with the session');
    assert.equal((await me(next.body.accessToken, tenant.userId)).status, 401, 'and so do its access tokens');
  });

  it('10 concurrent refreshes → 1 × 200 and 9 × 401, and the winner is revoked too', async () => {
    const tenant = await ctx.newTenant();
    const result = await race(10, () => refresh(tenant.refreshToken));
    expectCounts(result, { 200: 1, 401: 9 });
    const winner = result.with(200)[0].value!;
    assert.equal((await refresh(winner.body.refreshToken)).status, 401);
    assert.equal((await me(winner.body.accessToken, tenant.userId)).status, 401);
  });
});
