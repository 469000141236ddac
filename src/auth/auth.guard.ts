import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthenticatedError } from '@app/problem-details';
import { IS_PUBLIC } from '../common/http/public.decorator';
import { TenantContext } from '../common/tenancy/tenant-context';
import type { AuthUser } from './auth-user';
import { AUTH_ROLES } from './authenticated.decorator';
import type { Role } from './role';
import { LiveSessions } from './live-sessions';
import { TokenService } from './token.service';

type Access = { kind: 'public' } | { kind: 'authenticated'; roles: readonly Role[] } | { kind: 'undeclared' };

/**
 * What a route declares; the decorator closest to the handler wins (a method's
 * `@Authenticated` inside a `@Public()` controller, or the reverse).
 */
export function routeAccess(reflector: Reflector, handler: object, controller: object): Access {
  for (const target of [handler, controller]) {
    const roles = reflector.get<readonly Role[] | undefined>(AUTH_ROLES, target as never);
    if (roles) return { kind: 'authenticated', roles };
    if (reflector.get<boolean | undefined>(IS_PUBLIC, target as never)) return { kind: 'public' };
  }
  return { kind: 'undeclared' };
}

interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthUser;
}

function bearerToken(request: GuardedRequest): string {
  const header = request.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  if (!match) throw new UnauthenticatedError();
  return match[1];
}

/**
 * THE global guard (APP_GUARD). Denies by default: a route must be `@Public()` or
 * `@Authenticated(...)`. For authenticated routes: verifies the JWT, checks that its session
 * is still live (a read by _id sent after the request arrived, batched with concurrent
 * requests' by {@link LiveSessions}, so logout, password reset and refresh-token reuse cut
 * access tokens off at once), authorises from the session's current roles, and sets
 * `request.user` and the tenant of the request context (which scopes every tenant-owned query).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly sessions: LiveSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const access = routeAccess(this.reflector, context.getHandler(), context.getClass());
    if (access.kind === 'public') return true;
    if (access.kind === 'undeclared') {
      // Unreachable when the boot-time audit ran (AuthRouteAudit); kept so the guard fails closed on its own.
      this.logger.warn(`Denied ${context.getClass().name}.${context.getHandler().name}: it is neither @Public() nor @Authenticated()`);
      throw new UnauthenticatedError();
    }
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const claims = await this.tokens.verifyAccessToken(bearerToken(request));
    const session = await this.sessions.find({ sessionId: claims.sid, tenantId: claims.tid, userId: claims.sub }, new Date());
    if (!session) throw new UnauthenticatedError('This session has ended; sign in again.');
    request.user = { userId: claims.sub, tenantId: claims.tid, roles: [...session.roles], sessionId: claims.sid };
    TenantContext.set(claims.tid);
    if (!access.roles.some((role) => session.roles.includes(role))) {
      throw new ForbiddenError(`Your role does not allow this operation (allowed: ${access.roles.join(', ')}).`);
    }
    return true;
  }
}
