import { ClsServiceManager } from 'nestjs-cls';

const TENANT_KEY = 'tenantId';

/**
 * The tenant of the request being served, kept in the request's CLS context by the auth
 * guard. Background work (outbox subscribers, jobs) has none and must name tenants itself.
 */
export const TenantContext = {
  /** The current request's tenant, or undefined outside an authenticated request. */
  current(): string | undefined {
    const cls = ClsServiceManager.getClsService();
    return cls.isActive() ? (cls.get(TENANT_KEY) as string | undefined) : undefined;
  },

  /** Called by the auth guard once the token is verified. */
  set(tenantId: string): void {
    const cls = ClsServiceManager.getClsService();
    if (cls.isActive()) cls.set(TENANT_KEY, tenantId);
  },
};
