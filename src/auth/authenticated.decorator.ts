import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { BEARER_AUTH, ROLES_EXTENSION } from '../common/swagger/swagger';
import { ANY_ROLE, Role } from './role';

/** Metadata key: the roles allowed on a route (any one of them suffices). */
export const AUTH_ROLES = 'app:auth-roles';

export interface AuthenticatedOptions {
  /** Roles allowed (any one suffices). Default: every signed-in user of the tenant. */
  roles?: readonly Role[];
}

/**
 * THE way to open a route to signed-in users: role metadata for the global AuthGuard plus the
 * Swagger bearer scheme and the documented 401/403 Problem Details, in one decorator.
 *
 * ```ts
 * @Post() @Authenticated({ roles: MANAGER_AND_UP }) approve(...) { … }
 * ```
 */
export function Authenticated(options: AuthenticatedOptions = {}): MethodDecorator & ClassDecorator {
  const roles = options.roles ?? ANY_ROLE;
  if (roles.length === 0) throw new Error('@Authenticated({ roles: [] }) would deny everyone; omit roles to allow any signed-in user');
  return applyDecorators(
    SetMetadata(AUTH_ROLES, roles),
    ApiBearerAuth(BEARER_AUTH),
    ApiExtension(ROLES_EXTENSION, [...roles]),
    ApiProblemResponse({
      status: 401,
      code: 'unauthenticated',
      title: 'Unauthenticated',
      description: 'No bearer token, an invalid or expired one, or its session has ended (logout, password reset, refresh-token reuse).',
    }),
    ApiProblemResponse({
      status: 403,
      code: 'forbidden',
      title: 'Forbidden',
      description: `Your role does not allow this. Allowed: ${roles.join(', ')}.`,
    }),
  );
}
