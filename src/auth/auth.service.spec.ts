import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import { UnauthenticatedError } from '@app/problem-details';
import type { TenantsService } from '../tenants/tenants.service';
import type { PasswordHasher } from '../users/password-hasher';
import type { UserAccountsService } from '../users/user-accounts.service';
import { AuthService, INVALID_CREDENTIALS, INVALID_REFRESH_TOKEN } from './auth.service';
import { Role } from './role';
import { SessionEndReason } from './session.schema';
import type { SessionRecord, SessionsRepository } from './sessions.repository';
import type { AppConfigService } from '../common/config/app-config.service';
import type { TokenService } from './token.service';

const sessionId = new Types.ObjectId();
const session = {
  _id: sessionId,
  tenantId: '665f1c2e8b3e4a0012345670',
  userId: '665f1c2e8b3e4a0012345678',
  roles: [Role.Admin],
} as SessionRecord;

const tokens = {
  hashOpaqueToken: (t: string) => `hash(${t})`,
  successorOf: (t: string) => ({ token: `next(${t})`, hash: `hash(next(${t}))` }),
  signAccessToken: async () => 'jwt',
  accessTtlSeconds: 900,
} as unknown as TokenService;

function serviceWith(sessions: Partial<SessionsRepository>, extra: { users?: Partial<UserAccountsService>; hasher?: Partial<PasswordHasher>; graceSeconds?: number } = {}) {
  return new AuthService(
    (extra.users ?? {}) as UserAccountsService,
    {} as TenantsService,
    sessions as SessionsRepository,
    tokens,
    (extra.hasher ?? {}) as PasswordHasher,
    { get: () => extra.graceSeconds ?? 10 } as unknown as AppConfigService,
  );
}

describe(AuthService.name, () => {
  describe('refresh', () => {
    it('rotates with one atomic call: presented hash out, successor in', async () => {
      const calls: unknown[][] = [];
      const service = serviceWith({
        rotateRefreshToken: async (...args: unknown[]) => {
          calls.push(args);
          return session;
        },
      });
      assert.deepEqual(await service.refresh('old'), { accessToken: 'jwt', refreshToken: 'next(old)', expiresIn: 900 });
      assert.equal(calls.length, 1);
      assert.equal(calls[0][0], 'hash(old)');
      assert.equal(calls[0][1], 'hash(next(old))');
    });

    it('a rotated token presented again while its successor is current and recent gets that successor, revoking nothing', async () => {
      const lookups: unknown[][] = [];
      const service = serviceWith({
        rotateRefreshToken: async () => null,
        findRecentlyRotatedTo: async (...args: unknown[]) => {
          lookups.push(args);
          return session;
        },
        revoke: async () => assert.fail('must not revoke'),
      });
      const before = Date.now();
      assert.deepEqual(await service.refresh('old'), { accessToken: 'jwt', refreshToken: 'next(old)', expiresIn: 900 });
      assert.equal(lookups[0][0], 'hash(next(old))');
      const since = (lookups[0][1] as Date).getTime();
      assert.ok(since >= before - 10_000 && since <= Date.now() - 10_000, 'the window is AUTH_REFRESH_REUSE_GRACE_SECONDS');
    });

    it('with a grace window of 0 every replay is reuse', async () => {
      let revoked = 0;
      const service = serviceWith(
        {
          rotateRefreshToken: async () => null,
          findRecentlyRotatedTo: async () => assert.fail('no grace lookup'),
          findByRotatedTokenAcrossTenants: async () => session,
          revoke: async () => ++revoked > 0,
        },
        { graceSeconds: 0 },
      );
      await assert.rejects(service.refresh('old'), UnauthenticatedError);
      assert.equal(revoked, 1);
    });

    it('a rotated token is reuse: its session is revoked and the answer is 401', async () => {
      const revoked: unknown[][] = [];
      const service = serviceWith({
        rotateRefreshToken: async () => null,
        findRecentlyRotatedTo: async () => null,
        findByRotatedTokenAcrossTenants: async () => session,
        revoke: async (...args: unknown[]) => {
          revoked.push(args);
          return true;
        },
      });
      await assert.rejects(service.refresh('old'), (e: Error) => e instanceof UnauthenticatedError && e.message === INVALID_REFRESH_TOKEN);
      assert.equal(revoked.length, 1);
      assert.deepEqual(revoked[0].slice(0, 2), [{ _id: sessionId.toHexString(), tenantId: session.tenantId }, SessionEndReason.RefreshTokenReuse]);
    });

    it('an unknown token is 401 and revokes nothing', async () => {
      const service = serviceWith({
        rotateRefreshToken: async () => null,
        findRecentlyRotatedTo: async () => null,
        findByRotatedTokenAcrossTenants: async () => null,
        revoke: async () => assert.fail('must not revoke'),
      });
      await assert.rejects(service.refresh('nope'), UnauthenticatedError);
    });
  });

  describe('login', () => {
    it('an unknown email still runs one password verification, and fails like a wrong password', async () => {
      let dummy = 0;
      let real = 0;
      const hasher = {
        verify: async () => {
          real++;
          return false;
        },
        verifyNothing: async () => {
          dummy++;
          return false as const;
        },
      };
      const known = serviceWith({}, { hasher, users: { findCredentialsByEmailAcrossTenants: async () => ({ _id: new Types.ObjectId(), tenantId: session.tenantId, passwordHash: 'h', roles: [Role.Admin] }) } });
      const unknown = serviceWith({}, { hasher, users: { findCredentialsByEmailAcrossTenants: async () => null } });
      const failure = (s: AuthService) => s.login({ email: 'a@b.example', password: 'x' }, { userAgent: null, ip: null }).then(
        () => assert.fail('must fail'),
        (e: Error) => [e.constructor.name, e.message],
      );
      assert.deepEqual(await failure(known), await failure(unknown));
      assert.deepEqual(await failure(unknown), ['UnauthenticatedError', INVALID_CREDENTIALS]);
      assert.deepEqual([real, dummy], [1, 2]);
    });
  });
});
