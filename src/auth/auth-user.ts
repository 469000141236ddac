import type { Role } from './role';

/**
 * The authenticated caller, set on `request.user` by the global auth guard (and read by
 * libs/concurrency for tenant-scoped idempotency keys). Built from verified JWT claims.
 */
export interface AuthUser {
  userId: string;
  tenantId: string;
  roles: Role[];
  /** The login session the token descends from (revoked as a whole on logout or reuse). */
  sessionId: string;
}
