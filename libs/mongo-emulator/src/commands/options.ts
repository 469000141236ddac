/**
 * Shared validation of command options the emulator honours strictly: `hint` must name an
 * existing index (as mongod's planner requires) and only the simple collation is supported —
 * silently ignoring a collation would change query results, so it fails loudly instead.
 */
import { canonicalKey, isNumeric, isPlainObject, toNumber } from '../bson/values';
import { CommandError } from '../errors';
import { Collection } from '../storage/collection';

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
