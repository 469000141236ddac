import type { Model, QueryFilter, UpdateQuery } from 'mongoose';
import { NotFoundError } from '@app/problem-details';
import { ContentionError, InvalidStateError, VersionMismatchError } from './errors';
import type { VersionedDoc } from './update-versioned';
import { withVersionBump } from './update-versioned';
import { isVersioned, VERSION_FIELD } from './versioned.plugin';

/** Options of {@link transition}. */
export interface TransitionOptions<T, S = string> {
  /** Identifies the document, tenant included. */
  filter: QueryFilter<T>;
  /** States the document may be in for the transition to apply. */
  from: readonly S[];
  /** The state it moves to. */
  to: S;
  /** Other fields to set in the same atomic update (e.g. `approvedBy`, `approvedAt`). */
  set?: Record<string, unknown>;
  /** Array appends in the same update (e.g. `{ history: { at, by, to } }`). */
  push?: Record<string, unknown>;
  /** Any further operators (`$inc`, `$unset`, …) for the same update. */
  update?: UpdateQuery<T>;
  /** The state field. Default `status`. */
  field?: string;
  /** When given (If-Match), the version is checked in the same atomic filter: a miss is 412. */
  expectedVersion?: number;
  /** Name used in the 404 detail (default: the model name). */
  resource?: string;
}

/**
 * A guarded state transition as one atomic update whose filter states what must still be
 * true (`status ∈ from`, and `version` when given). Of racing callers exactly one wins; the
 * others get 409 `invalid-state` with `currentState` (or 412 / 404), never a silent
 * overwrite. Bumps `version` when the schema is versioned. Returns the updated document.
 *
 * ```ts
 * await transition(this.orders, { filter: { _id, tenantId }, from: ['submitted'], to: 'approved', set: { approvedBy: userId } });
 * ```
 */
export async function transition<T, S = string>(model: Model<T>, options: TransitionOptions<T, S>): Promise<VersionedDoc<T>> {
  const { filter, from, to, field = 'status', expectedVersion, resource = model.modelName } = options;
  if (from.length === 0) throw new TypeError('transition() needs at least one "from" state');
  const base: Record<string, unknown> = { ...(options.update as Record<string, unknown> | undefined) };
  base.$set = { ...(base.$set as Record<string, unknown> | undefined), ...options.set, [field]: to };
  if (options.push) base.$push = { ...(base.$push as Record<string, unknown> | undefined), ...options.push };
  const update = isVersioned(model.schema) ? withVersionBump(base as UpdateQuery<T>) : (base as UpdateQuery<T>);
  const guard: Record<string, unknown> = { [field]: { $in: from } };
  if (expectedVersion !== undefined) guard[VERSION_FIELD] = expectedVersion;

  for (let attempt = 0; attempt < 3; attempt++) {
    const updated = await model
      .findOneAndUpdate({ ...filter, ...guard } as QueryFilter<T>, update, { returnDocument: 'after', runValidators: true })
      .lean<VersionedDoc<T>>()
      .exec();
    if (updated) return updated;
    // One read decides which guard failed; the version is reported before the state, since
    // a client with a stale version must reload before anything else makes sense.
    const current = await model.findOne(filter).select({ [field]: 1, [VERSION_FIELD]: 1 }).lean<Record<string, unknown>>().exec();
    if (!current) throw new NotFoundError(resource);
    if (expectedVersion !== undefined && current[VERSION_FIELD] !== expectedVersion) {
      throw new VersionMismatchError({ currentVersion: Number(current[VERSION_FIELD] ?? 0), expectedVersion });
    }
    const state = getPath(current, field);
    if (!from.includes(state as S)) throw new InvalidStateError({ currentState: state, detail: `Cannot move from "${String(state)}" to "${String(to)}".` });
  }
  throw new ContentionError();
}

function getPath(doc: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), doc);
}
