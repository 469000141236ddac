/** What a file version can be attached to: a document or a sales order of the same tenant. */
export const OWNER_TYPES = ['documents', 'orders'] as const;
export type OwnerType = (typeof OWNER_TYPES)[number];

/** One owner of a version history, always within one tenant. */
export interface OwnerRef {
  tenantId: string;
  ownerType: OwnerType;
  ownerId: string;
}

/** The label shown to people: `v1`, `v2`, … — derived from the number, so it can never disagree with it. */
export function versionLabel(version: number): string {
  return `v${version}`;
}
