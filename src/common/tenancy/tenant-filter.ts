import type { QueryFilter } from 'mongoose';

/**
 * A mongoose filter that must name the tenant. Repository methods take this type, so a query
 * without `tenantId` does not compile; the tenant-scope plugin checks the same at run time.
 */
export type TenantFilter<T> = QueryFilter<T> & { tenantId: string };

/**
 * The base of every tenant-owned schema class. `tenantId` has no `@Prop`: the tenant plugin
 * (tenant-owned.plugin.ts) declares it in the schema, for every collection not opted out.
 */
export abstract class TenantOwned {
  tenantId: string;
}
