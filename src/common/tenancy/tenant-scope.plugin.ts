import type { Aggregate, Model, MongooseDefaultQueryMiddleware, PipelineStage, Query, Schema } from 'mongoose';
import { TenantContext } from './tenant-context';

/** Thrown when tenant-owned data is queried with no tenant at all: a bug, never user input. */
export class MissingTenantScopeError extends Error {
  constructor(model: string, op: string) {
    super(`Refusing ${op} on ${model} without a tenantId in the filter or the request context.`);
    this.name = 'MissingTenantScopeError';
  }
}

/** Thrown when a write would put a document into a tenant other than the request's (or its filter's). */
export class TenantMismatchError extends Error {
  constructor(model: string) {
    super(`Refusing to write a ${model} document into another tenant.`);
    this.name = 'TenantMismatchError';
  }
}

/**
 * The query/aggregate option that lifts the tenant scope for ONE operation. Its value is the
 * reason, so every cross-tenant access reads as a justification and can be found with grep
 * (`crossTenant(`). Legitimate uses are lookups keyed by something that is not tenant-addressed:
 * an email at login, the hash of a secret token at refresh or password reset.
 */
export const CROSS_TENANT_OPTION = 'crossTenant';

/** Query options that bypass the tenant scope for one operation; `reason` is mandatory. */
export function crossTenant(reason: string): { [CROSS_TENANT_OPTION]: string } {
  if (!reason.trim()) throw new Error('crossTenant() needs a reason');
  return { [CROSS_TENANT_OPTION]: reason };
}

const QUERY_OPS: MongooseDefaultQueryMiddleware[] = [
  'countDocuments',
  'deleteMany',
  'deleteOne',
  'distinct',
  'find',
  'findOne',
  'findOneAndDelete',
  'findOneAndReplace',
  'findOneAndUpdate',
  'replaceOne',
  'updateMany',
  'updateOne',
];

/** Reads and removes the bypass option, so it never travels to the driver/server. */
function takeCrossTenant(options: Record<string, unknown> | undefined): boolean {
  if (!options || !(CROSS_TENANT_OPTION in options)) return false;
  const reason = options[CROSS_TENANT_OPTION];
  delete options[CROSS_TENANT_OPTION];
  if (typeof reason !== 'string' || !reason.trim()) throw new Error('crossTenant option needs a reason string');
  return true;
}

type Filter = Record<string, unknown>;

/** The filter with the tenant ANDed in (never overwritten: a filter naming another tenant must match nothing). */
function scoped(filter: Filter | undefined, tenantId: string): Filter {
  if (!filter || Object.keys(filter).length === 0) return { tenantId };
  if (filter.tenantId === tenantId) return filter;
  return { $and: [filter, { tenantId }] };
}

function checkWrite(model: string, docTenant: unknown): void {
  const tenantId = TenantContext.current();
  if (docTenant === undefined || docTenant === null || docTenant === '') throw new MissingTenantScopeError(model, 'insert');
  if (tenantId && String(docTenant) !== tenantId) throw new TenantMismatchError(model);
}

/**
 * Tenant isolation that a module cannot forget. On every query, update, delete, count and
 * aggregate of a tenant-owned schema:
 *  - inside an authenticated request, the caller's tenant is ANDed into the filter (so even a
 *    filter naming another tenant finds nothing: another tenant's data looks missing, i.e. 404);
 *  - outside one (background jobs, public auth routes), the filter must name a tenant itself,
 *    or the operation is refused with {@link MissingTenantScopeError};
 *  - `setOptions(crossTenant('why'))` lifts the scope for one operation, visibly.
 * Inserts (save, create, insertMany, bulkWrite) must carry a tenantId, and inside a request it
 * must be the request's; a replacement must keep the tenant. `tenantId` is `immutable` (the
 * tenant plugin declares it so), so updates cannot move a document between tenants. Typed
 * repository filters (TenantFilter) catch the same at compile time.
 */
export function tenantScopePlugin(schema: Schema): void {
  // query: true, document: false — `doc.updateOne()`/`doc.deleteOne()` go through the query hooks too.
  schema.pre(QUERY_OPS, { document: false, query: true }, function (this: Query<unknown, unknown>) {
    if (takeCrossTenant(this.getOptions() as Record<string, unknown>)) return;
    const tenantId = TenantContext.current();
    const filter = this.getFilter() as Filter;
    if (tenantId) {
      if (filter.tenantId !== tenantId) this.and([{ tenantId }]);
    } else if (filter.tenantId === undefined || filter.tenantId === null) {
      throw new MissingTenantScopeError(this.model.modelName, (this as { op?: string }).op ?? 'query');
    }
  });

  // `immutable` keeps tenantId out of updates but not out of a replacement, which must carry
  // the tenant its filter (or the request) names, or it would move the document.
  schema.pre(['findOneAndReplace', 'replaceOne'], { document: false, query: true }, function (this: Query<unknown, unknown>) {
    const tenantId = TenantContext.current() ?? (this.getFilter() as Filter).tenantId;
    const replacement = this.getUpdate() as Filter | null;
    if (typeof tenantId !== 'string') throw new MissingTenantScopeError(this.model.modelName, (this as { op?: string }).op ?? 'replace');
    if (replacement?.tenantId !== tenantId) throw new TenantMismatchError(this.model.modelName);
  });

  schema.pre('estimatedDocumentCount', function (this: Query<unknown, unknown>) {
    // Counts the whole collection, every tenant included; there is no way to scope it.
    if (!takeCrossTenant(this.getOptions() as Record<string, unknown>)) {
      throw new MissingTenantScopeError(this.model.modelName, 'estimatedDocumentCount');
    }
  });

  schema.pre('aggregate', function (this: Aggregate<unknown>) {
    const modelName = (this as unknown as { _model?: Model<unknown> })._model?.modelName ?? 'aggregate';
    if (takeCrossTenant(this.options as unknown as Record<string, unknown>)) return;
    const tenantId = TenantContext.current();
    const pipeline = this.pipeline();
    const first = pipeline[0] as { $match?: Filter } | undefined;
    if (tenantId) {
      // First, so every later stage (including $group/$count) only ever sees this tenant.
      pipeline.unshift({ $match: { tenantId } } as PipelineStage);
    } else if (!first?.$match || first.$match.tenantId === undefined || first.$match.tenantId === null) {
      throw new MissingTenantScopeError(modelName, 'aggregate');
    }
  });

  schema.pre('save', function () {
    checkWrite((this.constructor as Model<unknown>).modelName, this.get('tenantId'));
  });

  schema.pre('insertMany', function (this: Model<unknown>, docs: unknown) {
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      const d = doc as { tenantId?: unknown; get?: (p: string) => unknown };
      checkWrite(this.modelName, typeof d.get === 'function' ? d.get('tenantId') : d.tenantId);
    }
  });

  schema.pre('bulkWrite', function (this: Model<unknown>, ops: Array<Record<string, any>>) {
    const tenantId = TenantContext.current();
    for (const op of ops) {
      const [kind, spec] = Object.entries(op)[0] ?? [];
      if (!kind || !spec) continue;
      if (kind === 'insertOne') {
        checkWrite(this.modelName, spec.document?.tenantId);
      } else if (tenantId) {
        spec.filter = scoped(spec.filter, tenantId);
      } else if (spec.filter?.tenantId === undefined || spec.filter?.tenantId === null) {
        throw new MissingTenantScopeError(this.modelName, `bulkWrite.${kind}`);
      }
    }
  });
}
