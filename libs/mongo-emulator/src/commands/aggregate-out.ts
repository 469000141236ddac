/**
 * The writing aggregation stages, `$out` and `$merge`, run by the aggregate command after the
 * rest of the pipeline. `$out` replaces the target collection's documents as one step (its
 * indexes stay; a unique-index violation leaves the target untouched); `$merge` writes each
 * result document through the normal write path (locks, unique indexes, validation), so it
 * is not atomic as a whole — exactly like mongod.
 */
import { ObjectId } from 'bson';
import { Doc, canonicalKey, isPlainObject, valuesEqual } from '../bson/values';
import { CommandError } from '../errors';
import { runPipelineUpdate } from '../query/pipeline-update';
import { getPath } from '../query/paths';
import { Collection } from '../storage/collection';
import { CollectionIndex } from '../storage/collection-index';
import { Blocked, duplicateKey } from '../storage/engine';
import { CommandContext, untilUnblocked } from './context';

export const WRITE_STAGES = new Set(['$out', '$merge']);

function target(ctx: CommandContext, spec: unknown, stage: string): { db: string; coll: string } {
  if (typeof spec === 'string') return { db: ctx.db, coll: spec };
  if (isPlainObject(spec) && typeof spec.coll === 'string') return { db: typeof spec.db === 'string' ? spec.db : ctx.db, coll: spec.coll };
  throw new CommandError(stage === '$out' ? 16990 : 51178, `${stage} requires a collection name: a string or {db, coll}`);
}

function writable(ctx: CommandContext, db: string, name: string, stage: string): void {
  if (name.startsWith('system.') || db === 'admin' || db === 'config' || db === 'local') {
    throw new CommandError(31321, `Invalid ${stage} target namespace, ${db}.${name}`);
  }
  const coll = ctx.engine.collection(db, name);
  if (coll?.options.viewOn !== undefined) throw new CommandError(166, `Namespace ${db}.${name} is a view, not a collection`);
  if (coll?.options.capped && stage === '$out') throw new CommandError(17152, `namespace '${db}.${name}' is capped so it can't be used for $out`);
}

/** `$out`: the target's documents become exactly `docs`, all at once. */
export async function runOut(ctx: CommandContext, spec: unknown, docs: Doc[]): Promise<void> {
  const t = target(ctx, spec, '$out');
  writable(ctx, t.db, t.coll, '$out');
  const prepared = docs.map((d) => (d._id === undefined ? { _id: new ObjectId(), ...d } : d));
  await untilUnblocked(ctx, () => {
    const { coll } = ctx.engine.ensureCollection(t.db, t.coll, undefined, ctx.view);
    // check every unique index against the new contents before touching anything
    const seen = new Set<string>();
    for (const d of prepared) {
      const k = canonicalKey(d._id);
      if (seen.has(k)) throw duplicateKey(coll, coll.indexes.get('_id_')!, { _id: d._id });
      seen.add(k);
    }
    for (const ix of coll.uniqueIndexes()) {
      const keys = new Set<string>();
      for (const d of prepared) {
        for (const key of ix.keysOf(d)) {
          if (keys.has(key.str)) throw duplicateKey(coll, ix, key.value);
          keys.add(key.str);
        }
      }
    }
    const rows = ctx.engine.scan(coll, ctx.view);
    // wait for transactions holding target documents before changing anything
    for (const r of rows) if (r.rec.lock) throw new Blocked(r.rec.lock);
    for (const r of rows) ctx.engine.remove(coll, r.rec, r.doc, ctx.view);
    for (const d of prepared) ctx.engine.insert(coll, d, ctx.view);
  });
}

function onFields(spec: Doc): string[] {
  const on = spec.on ?? '_id';
  const list = typeof on === 'string' ? [on] : on;
  if (!Array.isArray(list) || list.length === 0 || list.some((f) => typeof f !== 'string')) {
    throw new CommandError(51186, "$merge 'on' field must be either a string or an array of strings");
  }
  return list as string[];
}

/** The unique index `on` needs when it names fields other than `_id`. */
function joinIndex(coll: Collection | undefined, on: string[]): void {
  if (on.length === 1 && on[0] === '_id') return;
  const want = [...on].sort().join(',');
  const ok = [...(coll?.indexes.values() ?? [])].some(
    (ix: CollectionIndex) => ix.unique && !ix.sparse && ix.spec.partialFilterExpression === undefined && ix.fields.map((f) => f.path).sort().join(',') === want,
  );
  if (!ok) throw new CommandError(51183, 'Cannot find index to verify that join fields will be unique');
}

/** `$merge`: each result document is inserted, merged, replaced, kept or refused by its `on` key. */
export async function runMerge(ctx: CommandContext, raw: unknown, docs: Doc[]): Promise<void> {
  const spec: Doc = typeof raw === 'string' ? { into: raw } : isPlainObject(raw) ? raw : {};
  if (spec.into === undefined) throw new CommandError(40414, "BSON field '$merge.into' is missing but a required field");
  for (const k of Object.keys(spec)) {
    if (!['into', 'on', 'let', 'whenMatched', 'whenNotMatched'].includes(k)) throw new CommandError(40415, `BSON field '$merge.${k}' is an unknown field.`);
  }
  const t = target(ctx, spec.into, '$merge');
  writable(ctx, t.db, t.coll, '$merge');
  const on = onFields(spec);
  const whenMatched = spec.whenMatched ?? 'merge';
  const whenNotMatched = spec.whenNotMatched ?? 'insert';
  if (!Array.isArray(whenMatched) && !['replace', 'keepExisting', 'merge', 'fail'].includes(whenMatched as string)) {
    throw new CommandError(2, `Enumeration value '${String(whenMatched)}' for field '$merge.whenMatched' is not a valid value.`);
  }
  if (!['insert', 'discard', 'fail'].includes(whenNotMatched as string)) {
    throw new CommandError(2, `Enumeration value '${String(whenNotMatched)}' for field '$merge.whenNotMatched' is not a valid value.`);
  }
  joinIndex(ctx.engine.collection(t.db, t.coll), on);
  for (const input of docs) {
    const doc = input._id === undefined && on.includes('_id') ? { _id: new ObjectId(), ...input } : input;
    const key = on.map((f) => getPath(doc, f));
    if (key.some((v) => v === undefined || Array.isArray(v))) {
      throw new CommandError(51132, `$merge write error: 'on' field cannot be missing, null, undefined or an array`);
    }
    await untilUnblocked(ctx, () => {
      const { coll } = ctx.engine.ensureCollection(t.db, t.coll, undefined, ctx.view);
      const hit = ctx.engine.scan(coll, ctx.view).find((r) => on.every((f, i) => valuesEqual(getPath(r.doc, f), key[i])));
      if (!hit) {
        if (whenNotMatched === 'discard') return;
        if (whenNotMatched === 'fail') throw new CommandError(13113, "$merge could not find a matching document in the target collection for at least one document in the source collection");
        ctx.engine.insert(coll, doc, ctx.view);
        return;
      }
      let next: Doc;
      if (whenMatched === 'keepExisting') return;
      if (whenMatched === 'fail') throw duplicateKey(coll, coll.indexes.get('_id_')!, { _id: hit.doc._id });
      if (whenMatched === 'replace') next = { ...doc, _id: hit.doc._id };
      else if (whenMatched === 'merge') next = { ...hit.doc, ...doc, _id: hit.doc._id };
      else next = runPipelineUpdate(hit.doc, whenMatched as Doc[], { ...(isPlainObject(spec.let) ? spec.let : {}), new: doc });
      if (!valuesEqual(next._id, hit.doc._id)) throw new CommandError(66, "$merge failed to update the matching document, did you attempt to modify the _id or the shard key?");
      ctx.engine.update(coll, hit.rec, hit.doc, next, ctx.view);
    });
  }
}
