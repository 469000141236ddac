/**
 * Capped collections: a byte size (required) and optionally a document count bound the
 * collection; inserting past either removes the oldest documents in insertion order.
 * Writes inside transactions are refused and updates may not change a document's size,
 * as mongod does for capped collections.
 */
import { BSON } from 'bson';
import { Doc, isNumeric, toNumber } from '../bson/values';
import { CommandError } from '../errors';
import type { Collection, DocRecord } from './collection';
import type { StorageEngine, View } from './engine';

/** mongod's effective cap: at least 4096 bytes, rounded up to a multiple of 256. */
export function effectiveCappedSize(size: number): number {
  return size <= 4096 ? 4096 : Math.ceil(size / 256) * 256;
}

/** Validates `create`'s capped options (size required when capped). */
export function checkCappedOptions(options: Doc): void {
  if (!options.capped) return;
  if (options.size === undefined) throw new CommandError(72, "the 'size' field is required when 'capped' is true");
  if (!isNumeric(options.size) || toNumber(options.size) <= 0) throw new CommandError(72, "the 'size' field must be a positive number when 'capped' is true");
  if (toNumber(options.size) > 2 ** 50) throw new CommandError(72, "the 'size' field exceeds the maximum capped collection size of 1 PB");
  if (options.max !== undefined && !isNumeric(options.max)) throw new CommandError(14, "BSON field 'max' is the wrong type, expected a number");
}

/** Refuses what mongod refuses on a capped collection before a write is applied. */
export function checkCappedWrite(coll: Collection, view: View, prev: Doc | null, next: Doc | null): void {
  if (view.txn) {
    throw new CommandError(263, `Collection '${coll.ns}' is a capped collection. Writes in transactions are not allowed on capped collections.`);
  }
  if (prev && next) {
    const before = BSON.calculateObjectSize(prev);
    const after = BSON.calculateObjectSize(next);
    if (before !== after) throw new CommandError(10003, `Cannot change the size of a document in a capped collection: ${before} != ${after}`);
  }
  if (!prev && next) {
    const cap = effectiveCappedSize(toNumber(coll.options.size));
    const size = BSON.calculateObjectSize(next);
    if (size > cap) throw new CommandError(2, `document is larger than capped size ${size} > ${cap}`);
  }
}

/** After an insert: drops the oldest documents while the collection exceeds its size or max. */
export function trimCapped(engine: StorageEngine, coll: Collection): void {
  const cap = effectiveCappedSize(toNumber(coll.options.size));
  const max = isNumeric(coll.options.max) && toNumber(coll.options.max) > 0 ? toNumber(coll.options.max) : Infinity;
  const live: { rec: DocRecord; doc: Doc; size: number }[] = [];
  let total = 0;
  for (const rec of coll.records.values()) {
    const doc = rec.doc;
    if (!doc) continue;
    const size = BSON.calculateObjectSize(doc);
    live.push({ rec, doc, size });
    total += size;
  }
  live.sort((a, b) => a.rec.seq - b.rec.seq);
  let count = live.length;
  for (const { rec, doc, size } of live) {
    if (total <= cap && count <= max) break;
    if (rec.lock) break;
    engine.remove(coll, rec, doc, {});
    total -= size;
    count--;
  }
}
