/**
 * Shared validation of command options the emulator honours strictly: `hint` must name an
 * existing index (as mongod's planner requires) and only the simple collation is supported —
 * silently ignoring a collation would change query results, so it fails loudly instead.
 */
import { Doc, canonicalKey, isNumeric, isPlainObject, toNumber } from '../bson/values';
import { CommandError } from '../errors';
import { compileSort } from '../query/sort';
import { Collection } from '../storage/collection';
import type { CollectionIndex } from '../storage/collection-index';

export function checkCollation(collation: unknown): void {
  if (collation === undefined || collation === null) return;
  if (isPlainObject(collation) && collation.locale === 'simple') return;
  if (!isPlainObject(collation)) throw new CommandError(14, "BSON field 'collation' is the wrong type, expected type 'object'");
  throw new CommandError(2, `collation ${JSON.stringify(collation)} is not supported by the emulator (only { locale: "simple" })`);
}

export function checkHint(coll: Collection | undefined, hint: unknown): void {
  if (hint === undefined || hint === null || !coll) return;
  const fail = () =>
    new CommandError(2, 'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index');
  if (typeof hint === 'string') {
    if (!coll.indexes.has(hint)) throw fail();
    return;
  }
  if (isPlainObject(hint)) {
    const keys = Object.keys(hint);
    if (keys.length === 0) return;
    if (keys.length === 1 && keys[0] === '$natural' && isNumeric(hint.$natural) && Math.abs(toNumber(hint.$natural)) === 1) return;
    const want = canonicalKey(hint);
    for (const ix of coll.indexes.values()) if (canonicalKey(ix.key) === want) return;
    throw fail();
  }
  throw new CommandError(14, "BSON field 'hint' is the wrong type, expected type 'object' or 'string'");
}

/** What a valid `hint` makes the plan scan: an index, or the collection in natural order (±1). */
export function hintedPlan(coll: Collection | undefined, hint: unknown): { index?: CollectionIndex; natural?: 1 | -1 } | undefined {
  if (hint === undefined || hint === null || !coll) return undefined;
  if (typeof hint === 'string') {
    const ix = coll.indexes.get(hint);
    return ix ? { index: ix } : undefined;
  }
  if (!isPlainObject(hint) || Object.keys(hint).length === 0) return undefined;
  if (isNumeric(hint.$natural)) return { natural: toNumber(hint.$natural) < 0 ? -1 : 1 };
  const want = canonicalKey(hint);
  for (const ix of coll.indexes.values()) if (canonicalKey(ix.key) === want) return { index: ix };
  return undefined;
}

/**
 * Orders documents as the hinted plan returns them: an index scan yields index key order
 * (a multikey document at its first key; ties in insertion order) and only the documents
 * the index holds (sparse and partial indexes leave some out); `$natural: -1` is reverse
 * insertion order. `docs` must be in insertion order.
 */
export function applyHintOrder<T>(items: T[], docOf: (item: T) => Doc, plan: ReturnType<typeof hintedPlan>): T[] {
  if (!plan) return items;
  if (plan.natural === -1) return [...items].reverse();
  const ix = plan.index;
  if (!ix) return items;
  const special = Object.values(ix.key).some((d) => !isNumeric(d));
  if (special) return items;
  const kept = ix.sparse || ix.spec.partialFilterExpression !== undefined ? items.filter((it) => ix.keysOf(docOf(it)).length > 0) : items;
  const cmp = compileSort(ix.key)!;
  return [...kept].sort((a, b) => cmp(docOf(a), docOf(b)));
}
