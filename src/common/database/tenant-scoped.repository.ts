import type { AnyKeys, AnyObject, Model, PipelineStage, QueryFilter, Types } from 'mongoose';
import { Page, toPage } from '../http/page.dto';
import type { PageWindow } from '../http/page-query.dto';
import type { TenantFilter } from '../tenancy/tenant-filter';

/** A stored document as lean reads return it. */
export type LeanRecord<T> = T & { _id: Types.ObjectId };

/** Sort of a page; it should end on a unique field (`_id`) so pages never overlap. */
export type PageSort = Record<string, 1 | -1>;

/**
 * The base of every repository of a tenant-owned collection: the reads every module needs,
 * each typed so that a filter without `tenantId` does not compile (the tenant-scope plugin
 * checks the same at run time). Subclasses add their guarded writes.
 */
export abstract class TenantScopedRepository<T, R = LeanRecord<T>> {
  protected constructor(protected readonly model: Model<T>) {}

  findOne(filter: TenantFilter<T>): Promise<R | null> {
    return this.model.findOne(filter).lean<R>().exec();
  }

  /**
   * Inserts one document — validated by its schema, in the caller's transaction when there is
   * one — and returns it as a plain record. A unique index that refuses it throws E11000
   * (mapped to 409 `duplicate` by the filter, or handled by the caller).
   */
  protected async insertOne(doc: AnyKeys<T>): Promise<R> {
    const [created] = await this.model.create([doc]);
    return created.toObject() as R;
  }

  /**
   * Inserts several documents in one command (a group-commit batch), in order, in the caller's
   * transaction, and returns them as plain records. Each is cast, defaulted, timestamped and
   * validated by its schema as {@link insertOne} would, but as a plain object: building and
   * validating a mongoose document per row was a quarter of a transfer's CPU.
   */
  protected async insertAll(docs: ReadonlyArray<AnyKeys<T>>): Promise<R[]> {
    if (docs.length === 0) return [];
    const rows = docs.map((doc) => this.model.applyTimestamps(this.model.applyDefaults(this.model.castObject(doc as AnyObject) as AnyObject)));
    for (const row of rows) await this.model.validate(row);
    // Already cast and validated above: `lean` only skips mongoose's second pass over them.
    await this.model.insertMany(rows, { lean: true });
    return rows as R[];
  }

  /**
   * One page of `filter` in `sort` order, and the total over all pages, as ONE aggregate
   * ($facet): one command reads one snapshot, so `total` counts exactly the documents `items`
   * were drawn from — with no transaction, session or retry around a read. `counts` adds
   * named sub-counts from the same snapshot (e.g. `{ unread: { readAt: null } }`); `omit`
   * leaves out fields a list does not show (e.g. a long history).
   */
  async page<K extends string = never>(
    filter: TenantFilter<T>,
    window: PageWindow,
    sort: PageSort,
    options: { counts?: Record<K, QueryFilter<T>>; omit?: string[] } = {},
  ): Promise<Page<R> & { counts: Record<K, number> }> {
    const { counts, omit = [] } = options;
    const items: PipelineStage.FacetPipelineStage[] = [{ $sort: sort }, { $skip: window.skip }, { $limit: window.pageSize }];
    // Aggregates bypass mongoose's query layer: cast filters as find() would (ids, dates),
    // and leave out the fields the schema hides from reads (`select: false`, e.g. hashes).
    const cast = (f: QueryFilter<T>) => this.model.find().cast(this.model, f);
    const hidden = Object.values(this.model.schema.paths).filter((p) => p.options?.select === false).map((p) => p.path);
    if (hidden.length || omit.length) items.push({ $project: Object.fromEntries([...hidden, ...omit].map((path) => [path, 0])) });
    const facets: Record<string, PipelineStage.FacetPipelineStage[]> = { items, total: [{ $count: 'n' }] };
    const names = Object.keys(counts ?? {}) as K[];
    for (const name of names) facets[`count_${name}`] = [{ $match: cast(counts![name]) }, { $count: 'n' }];
    const [result] = await this.model
      .aggregate<Record<string, unknown[]>>([{ $match: cast(filter as QueryFilter<T>) }, { $facet: facets }])
      .exec();
    const n = (key: string) => (result?.[key]?.[0] as { n: number } | undefined)?.n ?? 0;
    return {
      ...toPage(window, (result?.items ?? []) as R[], n('total')),
      counts: Object.fromEntries(names.map((name) => [name, n(`count_${name}`)])) as Record<K, number>,
    };
  }
}

/** The same page with each item mapped (to its response DTO). */
export function mapPage<A, B>(page: Page<A>, map: (item: A) => B): Page<B> {
  return { items: page.items.map(map), total: page.total, page: page.page, pageSize: page.pageSize };
}
