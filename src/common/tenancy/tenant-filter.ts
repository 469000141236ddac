import type { QueryFilter } from 'mongoose';

/**
 * A mongoose filter that must name the tenant. Repository methods take this type, so a query
 * without `tenantId` does not compile; the tenant-scope plugin checks the same at run time.
 */
export type TenantFilter<T> = QueryFilter<T> & { tenantId: string };

/** Every tenant-owned document carries its tenant (declared by the tenant plugin, tenant-owned.plugin.ts). */
export interface TenantOwned {
  tenantId: string;
}
