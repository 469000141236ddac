import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { Controller, ExecutionContext, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthenticatedError } from '@app/problem-details';
import { ClsServiceManager } from 'nestjs-cls';
import { Public } from '../common/http/public.decorator';
import { TenantContext } from '../common/tenancy/tenant-context';
import { AuthGuard, routeAccess } from './auth.guard';
import { Authenticated } from './authenticated.decorator';
import { Role } from './role';
import type { LiveSessions } from './live-sessions';
import type { AccessClaims, TokenService } from './token.service';

@Controller('things')
class ThingsController {
  @Get('open') @Public() open(): void {}
  @Get('any') @Authenticated() any(): void {}
  @Get('admin') @Authenticated({ roles: [Role.Admin] }) admin(): void {}
  @Get('naked') naked(): void {}
}

@Public()
@Controller('mixed')
class MixedController {
  @Get('open') open(): void {}
  @Get('closed') @Authenticated({ roles: [Role.Manager] }) closed(): void {}
}

const CLAIMS: AccessClaims = { sub: '665f1c2e8b3e4a0012345678', tid: '665f1c2e8b3e4a0012345670', sid: '665f1c2e8b3e4a00123456aa', roles: [Role.Admin] };

function contextFor(controller: new () => object, method: string, request: Record<string, unknown>): ExecutionContext {
  return {
    getType: () => 'http',
    getHandler: () => (controller.prototype as Record<string, () => void>)[method],
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

function guardWith(options: { session?: { roles: Role[] } | null; tokenValid?: boolean } = {}) {
  const calls: unknown[] = [];
  const tokens = {
    verifyAccessToken: async (token: string) => {
      if (options.tokenValid === false || token !== 'good') throw new UnauthenticatedError();
      return CLAIMS;
    },
  } as unknown as TokenService;
  const sessions = {
    find: async (claim: unknown) => {
      calls.push(claim);
      const session = options.session === undefined ? { roles: [Role.Admin] } : options.session;
      return session && { roles: session.roles };
    },
  } as unknown as LiveSessions;
  return { guard: new AuthGuard(new Reflector(), tokens, sessions), calls };
}

const inCls = <T>(fn: () => Promise<T>) => ClsServiceManager.getClsService().run(fn);

describe(AuthGuard.name, () => {
  it('routeAccess: the decorator closest to the handler wins; nothing declared is "undeclared"', () => {
    const r = new Reflector();
    const access = (c: new () => object, m: string) => routeAccess(r, (c.prototype as Record<string, object>)[m], c);
    assert.equal(access(ThingsController, 'open').kind, 'public');
    assert.deepEqual(access(ThingsController, 'admin'), { kind: 'authenticated', roles: [Role.Admin] });
    assert.equal(access(ThingsController, 'naked').kind, 'undeclared');
    assert.equal(access(MixedController, 'open').kind, 'public');
    assert.deepEqual(access(MixedController, 'closed'), { kind: 'authenticated', roles: [Role.Manager] });
  });

  it('lets public routes through without a token', async () => {
    const { guard } = guardWith();
    assert.equal(await guard.canActivate(contextFor(ThingsController, 'open', { headers: {} })), true);
  });

  it('denies undeclared routes (fails closed) even with a valid token', async () => {
    const { guard } = guardWith();
    await assert.rejects(guard.canActivate(contextFor(ThingsController, 'naked', { headers: { authorization: 'Bearer good' } })), UnauthenticatedError);
  });

  it('401 without a bearer token or with an invalid one', async () => {
    const { guard } = guardWith();
    for (const authorization of [undefined, 'Basic abc', 'Bearer', 'Bearer bad']) {
      await assert.rejects(guard.canActivate(contextFor(ThingsController, 'any', { headers: { authorization } })), UnauthenticatedError);
    }
  });

  it('checks the session is live (named by sid, tid and sub) and 401s when it has ended', async () => {
    const { guard, calls } = guardWith({ session: null });
    await assert.rejects(guard.canActivate(contextFor(ThingsController, 'any', { headers: { authorization: 'Bearer good' } })), UnauthenticatedError);
    assert.deepEqual(calls, [{ sessionId: CLAIMS.sid, tenantId: CLAIMS.tid, userId: CLAIMS.sub }]);
  });

  it('sets request.user and the request tenant, authorising from the session roles', async () => {
    const { guard } = guardWith({ session: { roles: [Role.Clerk] } });
    const request: Record<string, unknown> = { headers: { authorization: 'Bearer good' } };
    await inCls(async () => {
      assert.equal(await guard.canActivate(contextFor(ThingsController, 'any', request)), true);
      assert.equal(TenantContext.current(), CLAIMS.tid);
    });
    assert.deepEqual(request.user, { userId: CLAIMS.sub, tenantId: CLAIMS.tid, roles: [Role.Clerk], sessionId: CLAIMS.sid });
    // The JWT says admin, the session (current truth) says clerk: 403.
    await assert.rejects(inCls(() => guard.canActivate(contextFor(ThingsController, 'admin', request))), ForbiddenError);
  });
});
