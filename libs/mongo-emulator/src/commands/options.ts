/**
 * Shared validation of command options the emulator honours strictly: `hint` must name an
 * existing index (as mongod's planner requires), and a collation must be one the emulator
 * reproduces exactly (see bson/collation.ts) — otherwise it fails loudly.
 */
import { Collation } from '../bson/collation';
import { canonicalKey, isNumeric, isPlainObject, toNumber } from '../bson/values';
import { CommandError } from '../errors';
import { Collection } from '../storage/collection';

/** Validates a `collation` option. */
export function checkCollation(collation: unknown): void {
  Collation.parse(collation);
}

/** The collation a command uses: its own `collation` option, else the collection's default. */
export function queryCollation(coll: Collection | undefined, raw: unknown): Collation | undefined {
  if (raw !== undefined && raw !== null) return Collation.parse(raw);
  return coll?.collation;
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
