/**
 * Shared e2e factories: one app per test file, and tenants/users signed in over the real API.
 *
 * ```ts
 * const ctx = await createTestContext();
 * const acme = await ctx.newTenant();                       // admin of a fresh tenant
 * const clerk = await ctx.newUser(acme, { roles: [Role.Clerk] });
 * await clerk.http.get('/api/v1/users');                     // HttpClient bound to clerk's token
 * after(() => ctx.close());
 * ```
 */
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role } from '../../src/auth/role';
import { HttpClient } from '@app/concurrency/testing';
import { Mailbox } from './mailbox';
import { startTestApp, StartTestAppOptions } from './test-app';

/** A fresh tenant and its first user (admin), signed in. */
export interface TestTenant {
  tenantId: string;
  userId: string;
  /** Access token of the admin. */
  token: string;
  refreshToken: string;
  /** HttpClient bound to the admin's token. */
  http: HttpClient;
  email: string;
  password: string;
}

/** Another user of a tenant, signed in. */
export interface TestUser {
  userId: string;
  token: string;
  refreshToken: string;
  http: HttpClient;
  email: string;
  password: string;
  roles: Role[];
}

export interface TestContext {
  app: NestFastifyApplication;
  baseUrl: string;
  /** Anonymous client (no token). */
  http: HttpClient;
  /** Password-reset tokens delivered through the outbox, by email. */
  mailbox: Mailbox;
  newTenant(options?: { name?: string; email?: string; password?: string; displayName?: string }): Promise<TestTenant>;
  newUser(tenant: TestTenant, options?: { roles?: Role[]; email?: string; password?: string; displayName?: string }): Promise<TestUser>;
  /** A unique, valid email address (lower case). */
  uniqueEmail(prefix?: string): string;
  close(): Promise<void>;
}

export const DEFAULT_PASSWORD = 'correct-horse-battery';

/**
 * Boots the app for one test file. Auth throttling is OFF by default (race suites fire
 * hundreds of requests from one address); the auth suite turns it on with
 * `createTestContext({ env: { AUTH_THROTTLE_ENABLED: 'true' } })`.
 */
export async function createTestContext(options: StartTestAppOptions = {}): Promise<TestContext> {
  const t = await startTestApp({ ...options, env: { AUTH_THROTTLE_ENABLED: 'false', ...options.env } });
  const mailbox = await Mailbox.attach(t.app);
  let counter = 0;
  const uniqueEmail = (prefix = 'user') => `${prefix}-${++counter}-${randomBytes(4).toString('hex')}@test.example`;

  const ctx: TestContext = {
    app: t.app,
    baseUrl: t.baseUrl,
    http: t.http,
    mailbox,
    uniqueEmail,

    async newTenant(o = {}) {
      const email = o.email ?? uniqueEmail('admin');
      const password = o.password ?? DEFAULT_PASSWORD;
      const res = await t.http.post('/api/v1/auth/signup', {
        tenantName: o.name ?? `Tenant ${counter + 1}`,
        email,
        password,
        displayName: o.displayName ?? 'Test Admin',
      });
      assert.equal(res.status, 201, `signup failed: ${res.text}`);
      const { tenantId, userId, accessToken, refreshToken } = res.body;
      return { tenantId, userId, token: accessToken, refreshToken, http: t.http.as(accessToken), email, password };
    },

    async newUser(tenant, o = {}) {
      const email = o.email ?? uniqueEmail('user');
      const password = o.password ?? DEFAULT_PASSWORD;
      const roles = o.roles ?? [Role.Clerk];
      const created = await tenant.http.post('/api/v1/users', { email, password, displayName: o.displayName ?? 'Test User', roles });
      assert.equal(created.status, 201, `user creation failed: ${created.text}`);
      const login = await t.http.post('/api/v1/auth/login', { email, password });
      assert.equal(login.status, 200, `login failed: ${login.text}`);
      const { accessToken, refreshToken } = login.body;
      return { userId: created.body.id, token: accessToken, refreshToken, http: t.http.as(accessToken), email, password, roles };
    },

    close: () => t.close(),
  };
  return ctx;
}
