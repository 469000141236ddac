import type { Connection, Schema } from 'mongoose';
import { tenantScopePlugin } from './tenant-scope.plugin';

/**
 * The collections on the app's connection that are NOT tenant-owned, each with its reason.
 * Every other collection is: {@link tenantOwnedPlugin} gives its schema `tenantId` and the
 * tenant scope, so a new schema is tenant-owned unless it is named here.
 */
export const NOT_TENANT_OWNED: Readonly<Record<string, string>> = {
  tenants: 'a tenant is addressed by its own id',
  auth_throttle_counters: 'rate-limit windows of an IP or an email, counted before anyone is authenticated',
  // The concurrency toolkit's own collections: keyed by scope strings that name the tenant
  // where one is involved, and read across tenants by the toolkit (the outbox relay).
  counters: 'toolkit sequences, keyed by scope',
  outbox: 'toolkit outbox, relayed for every tenant',
  processed_events: 'toolkit consumer bookkeeping, keyed by event',
  idempotency_keys: 'toolkit idempotency records, keyed by scope',
  idempotency_locks: 'toolkit idempotency leases, keyed like their records',
  leases: 'toolkit leases, keyed by resource',
  lease_fences: 'toolkit lease fences, keyed by resource',
  // Collections without a model, listed so the list names everything in the database.
  index_sync: "IndexSync's build marker",
  'file_contents.files': 'GridFS, reached only through a tenant-scoped file version',
  'file_contents.chunks': 'GridFS, reached only through a tenant-scoped file version',
};

/**
 * `tenantId` as every tenant-owned schema declares it (through the plugin, nowhere else): the
 * tenant's id as a string (so raw `$match` stages compare like-for-like), required, and
 * immutable, so no update can move a document into another tenant.
 */
export const TENANT_ID_PATH = { type: String, required: true, immutable: true } as const;

/** Set on the schemas of subdocuments: mongoose hands the plugin those too. */
const SUBDOCUMENT = Symbol('tenantOwnedPlugin.subdocument');

function markSubdocuments(schema: Schema): void {
  for (const type of Object.values(schema.paths)) {
    const child = (type as { schema?: Schema & { [SUBDOCUMENT]?: true } }).schema;
    if (child && !child[SUBDOCUMENT]) {
      child[SUBDOCUMENT] = true;
      markSubdocuments(child);
    }
  }
}

/**
 * Makes a model's schema tenant-owned unless its collection is in {@link NOT_TENANT_OWNED}:
 * declares {@link TENANT_ID_PATH}, indexes it unless an index already starts with it, and
 * adds the tenant scope ({@link tenantScopePlugin}). Registered once, on the connection
 * ({@link withTenancy}); mongoose applies it to the model's schema first, then to its
 * subdocuments' schemas, which it leaves alone.
 */
export function tenantOwnedPlugin(schema: Schema): void {
  if ((schema as { [SUBDOCUMENT]?: true })[SUBDOCUMENT]) return;
  markSubdocuments(schema);
  const collection = schema.get('collection');
  if (collection !== undefined && collection in NOT_TENANT_OWNED) return;
  if (schema.path('tenantId')) {
    throw new Error(`The schema of ${collection ?? 'a model'} declares tenantId itself; the tenant plugin declares it (remove it from the schema).`);
  }
  schema.add({ tenantId: TENANT_ID_PATH });
  if (!schema.indexes().some(([keys]) => Object.keys(keys)[0] === 'tenantId')) schema.index({ tenantId: 1 });
  schema.plugin(tenantScopePlugin);
}

/**
 * Registers {@link tenantOwnedPlugin} on a connection, before any model is compiled on it:
 * the app's `connectionFactory`, and specs that compile the app's schemas on a connection of
 * their own (`MongooseModule.forRoot(uri, { connectionFactory: withTenancy })`).
 */
export function withTenancy(connection: Connection): Connection {
  return connection.plugin(tenantOwnedPlugin);
}
