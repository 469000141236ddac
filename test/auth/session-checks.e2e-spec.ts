/**
 * The guard's session check under concurrency: the checks of concurrent requests are read
 * from the database together (LiveSessions), so each answer must still be its own token's —
 * its session's revocation, its tenant, its user — whatever it was batched with.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { race } from '@app/concurrency/testing';
import { createTestContext, TestContext } from '../support/context';

const AUTH = '/api/v1/auth';

interface Token {
  accessToken: string;
  userId: string;
  tenant: number;
  live: boolean;
}

describe('session checks (e2e)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx?.close());

  it('120 concurrent requests over 12 sessions of 3 tenants, half of them logged out: each answer is its own token’s', async () => {
    const tenants = await Promise.all([0, 1, 2].map(() => ctx.newTenant()));
    const tokens: Token[] = [];
    for (const [t, tenant] of tenants.entries()) {
      tokens.push({ accessToken: tenant.token, userId: tenant.userId, tenant: t, live: true });
      for (let i = 0; i < 3; i++) {
        const res = await ctx.http.post(`${AUTH}/login`, { email: tenant.email, password: tenant.password });
        assert.equal(res.status, 200, res.text);
        tokens.push({ accessToken: res.body.accessToken, userId: tenant.userId, tenant: t, live: true });
      }
    }
    // Every other session ends before the burst.
    for (const [i, token] of tokens.entries()) {
      if (i % 2 === 0) continue;
      assert.equal((await ctx.http.post(`${AUTH}/logout`, undefined, { token: token.accessToken })).status, 204);
      token.live = false;
    }

    // Request i reads, with token i % 12, its own user or (every third) another tenant's.
    const target = (i: number) => (i % 3 === 0 ? tenants[(tokens[i % 12].tenant + 1) % 3].userId : tokens[i % 12].userId);
    const r = await race(120, (i) => ctx.http.get(`/api/v1/users/${target(i)}`, { token: tokens[i % 12].accessToken }));

    for (const o of r.outcomes) {
      const token = tokens[o.index % 12];
      const res = o.value!;
      const own = target(o.index) === token.userId;
      const expected = !token.live ? 401 : own ? 200 : 404;
      assert.equal(res.status, expected, `request ${o.index} (session ${o.index % 12}, live ${token.live}, own user ${own}): ${res.text.slice(0, 200)}`);
      if (expected === 200) assert.equal(res.body.id, token.userId);
    }
  });
});
