import type { QueryFilter } from 'mongoose';

/**
 * A mongoose filter that must name the tenant. Repository methods take this type, so a query
 * without `tenantId` does not compile; the tenant-scope plugin checks the same at run time.
 */
export type TenantFilter<T> = QueryFilter<T> & { tenantId: string };

/** Every tenant-owned document carries its tenant. */
export interface TenantOwned {
  tenantId: string;
}

/**
 * The `@Prop()` options of `tenantId` on every tenant-owned schema: a plain string (the
 * tenant's id, so raw aggregate `$match` stages compare like-for-like), required, and
 * immutable so no update can move a document into another tenant.
 */
export const TENANT_ID_PROP = { type: String, required: true, immutable: true, index: true } as const;
