/** What a file version can be attached to: a document or a sales order of the same tenant. */
export const OWNER_TYPES = ['documents', 'orders'] as const;
export type OwnerType = (typeof OWNER_TYPES)[number];

/** One owner of a version history, always within one tenant. */
export interface OwnerRef {
  tenantId: string;
  ownerType: OwnerType;
  ownerId: string;
}

/** An owner as a caller names it; the tenant is always the caller's own. */
export type OwnerKey = Omit<OwnerRef, 'tenantId'>;

/** The caller's tenant and the owner it names: no request can reach another tenant's history. */
export const ownerInTenant = (tenantId: string, key: OwnerKey): OwnerRef => ({ tenantId, ownerType: key.ownerType, ownerId: key.ownerId });

/** The label shown to people: `v1`, `v2`, … — derived from the number, so it can never disagree with it. */
export function versionLabel(version: number): string {
  return `v${version}`;
}
