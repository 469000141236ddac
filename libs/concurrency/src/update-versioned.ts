import type { Model, QueryFilter, Require_id, UpdateQuery } from 'mongoose';
import { NotFoundError } from '@app/problem-details';
import { ContentionError, VersionMismatchError } from './errors';
import { VERSION_FIELD } from './versioned.plugin';

/** A lean versioned document as stored. */
export type VersionedDoc<T> = Require_id<T> & { version: number };

/** Options of {@link updateVersioned}. */
export interface UpdateVersionedOptions<T> {
  /** Identifies the document, tenant included, e.g. `{ _id, tenantId }`. */
  filter: QueryFilter<T>;
  /** The version the client last read (from If-Match). */
  expectedVersion: number;
  /** An operator update (`$set`, `$inc`, `$push`, …); `version` is bumped for you. */
  update: UpdateQuery<T>;
  /** Name used in the 404 detail (default: the model name). */
  resource?: string;
}

/** Merges `$inc: { version: 1 }` into an operator update; refuses to let callers touch `version`. */
export function withVersionBump<T>(update: UpdateQuery<T>): UpdateQuery<T> {
  if (Array.isArray(update)) throw new TypeError('Pipeline updates are not supported by updateVersioned/transition.');
  const u = { ...(update as Record<string, unknown>) };
  for (const [op, fields] of Object.entries(u)) {
    if (!op.startsWith('$')) throw new TypeError(`Use an operator update ($set, …); found top-level field "${op}".`);
    if (fields && typeof fields === 'object' && VERSION_FIELD in fields) throw new TypeError('The version field is managed by the toolkit.');
  }
  u.$inc = { ...(u.$inc as Record<string, unknown> | undefined), [VERSION_FIELD]: 1 };
  return u as UpdateQuery<T>;
}

/**
 * The pipeline-update form of {@link withVersionBump}: appends a stage that bumps `version`
 * and refuses stages that set it themselves, so modules never write version math by hand.
 * Use it for guarded updates whose new values derive from the document itself (e.g.
 * `amountPaid + amount` and a status computed from it in the same atomic update).
 */
export function withPipelineVersionBump(stages: Record<string, unknown>[]): Record<string, unknown>[] {
  for (const stage of stages) {
    for (const body of Object.values(stage)) {
      if (body && typeof body === 'object' && VERSION_FIELD in body) throw new TypeError('The version field is managed by the toolkit.');
    }
  }
  return [...stages, { $set: { [VERSION_FIELD]: { $add: [`$${VERSION_FIELD}`, 1] } } }];
}

/**
 * Optimistic concurrency in one atomic findOneAndUpdate: the filter requires
 * `version: expectedVersion` and the update bumps it, so of N writers holding the same
 * version exactly one wins. On a miss one read decides the answer: document absent → 404
 * `not-found`, version moved → 412 `version-mismatch` carrying `currentVersion`.
 * Returns the updated document (lean). Never use `document.save()` for this.
 *
 * ```ts
 * const item = await updateVersioned(this.items, { filter: { _id, tenantId }, expectedVersion, update: { $set: { name } } });
 * ```
 */
export async function updateVersioned<T>(model: Model<T>, options: UpdateVersionedOptions<T>): Promise<VersionedDoc<T>> {
  const { filter, expectedVersion, resource = model.modelName } = options;
  if (!Number.isInteger(expectedVersion)) throw new TypeError('expectedVersion must be an integer');
  const update = withVersionBump(options.update);
  // Bounded: the only way to loop is a document that reappears at the expected version between reads.
  for (let attempt = 0; attempt < 3; attempt++) {
    const updated = await model
      .findOneAndUpdate({ ...filter, [VERSION_FIELD]: expectedVersion } as QueryFilter<T>, update, { returnDocument: 'after', runValidators: true })
      .lean<VersionedDoc<T>>()
      .exec();
    if (updated) return updated;
    const current = await model.findOne(filter).select({ [VERSION_FIELD]: 1 }).lean<{ version?: number }>().exec();
    if (!current) throw new NotFoundError(resource);
    if (current.version !== expectedVersion) throw new VersionMismatchError({ currentVersion: current.version ?? 0, expectedVersion });
  }
  throw new ContentionError();
}

/** Options of {@link deleteVersioned}. */
export interface DeleteVersionedOptions<T> {
  /** Identifies the document, tenant included, e.g. `{ _id, tenantId }`. */
  filter: QueryFilter<T>;
  /** The version the client last read (from If-Match). */
  expectedVersion: number;
  /** Name used in the 404 detail (default: the model name). */
  resource?: string;
}

/**
 * Deletes under If-Match in one atomic findOneAndDelete whose filter requires
 * `version: expectedVersion`, so a concurrent change makes the delete miss instead of
 * destroying an edit nobody saw. On a miss one read decides: absent → 404, moved → 412.
 *
 * ```ts
 * await deleteVersioned(this.documents, { filter: { _id, tenantId }, expectedVersion });
 * ```
 */
export async function deleteVersioned<T>(model: Model<T>, options: DeleteVersionedOptions<T>): Promise<void> {
  const { filter, expectedVersion, resource = model.modelName } = options;
  if (!Number.isInteger(expectedVersion)) throw new TypeError('expectedVersion must be an integer');
  for (let attempt = 0; attempt < 3; attempt++) {
    const deleted = await model
      .findOneAndDelete({ ...filter, [VERSION_FIELD]: expectedVersion } as QueryFilter<T>)
      .select({ _id: 1 })
      .lean()
      .exec();
    if (deleted) return;
    const current = await model.findOne(filter).select({ [VERSION_FIELD]: 1 }).lean<{ version?: number }>().exec();
    if (!current) throw new NotFoundError(resource);
    if (current.version !== expectedVersion) throw new VersionMismatchError({ currentVersion: current.version ?? 0, expectedVersion });
  }
  throw new ContentionError();
}
