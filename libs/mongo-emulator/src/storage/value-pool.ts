/**
 * Shares equal leaf values between stored documents. Decoded from BSON, every document holds
 * its own copy of each value it repeats — its tenant id, a status, a currency, a createdAt
 * equal to its updatedAt, the id of the item a thousand allocations point to — and a major GC
 * marks each of those objects every time: at half a million documents that marking is what
 * stalled every request for hundreds of ms. Leaves are never mutated in the emulator
 * (deepClone shares them too), so a shared instance cannot be told from a copy.
 */
import { Int32, ObjectId } from 'bson';
import { Doc, canonicalKey, isPlainObject, setField } from '../bson/values';

/** Longer strings are rarely repeated (descriptions, references): not worth a table entry. */
const MAX_SHARED_STRING = 64;

/**
 * The values seen most recently, keyed by content: two generations of at most `capacity`
 * entries, so a value still in use stays (it moves to the young one) while one-off values
 * age out without a per-lookup LRU list.
 */
class RecentValues<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  /** The shared instance equal to `value` (`value` itself the first time). */
  share(key: K, value: V): V {
    const known = this.young.get(key);
    if (known !== undefined) return known;
    const shared = this.old.get(key) ?? value;
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, shared);
    return shared;
  }
}

export class ValuePool {
  private readonly strings: RecentValues<string, string>;
  private readonly int32s: RecentValues<number, Int32>;
  private readonly dates: RecentValues<number, Date>;
  private readonly objectIds: RecentValues<string, ObjectId>;

  constructor(capacity = 10_000) {
    this.strings = new RecentValues(capacity);
    this.int32s = new RecentValues(capacity);
    this.dates = new RecentValues(capacity);
    this.objectIds = new RecentValues(capacity);
  }

  /** Replaces, in place, each leaf of `doc` (and of its subdocuments and arrays) by the shared equal one. */
  shareLeaves(doc: Doc): void {
    for (const k of Object.keys(doc)) {
      const v = doc[k];
      const shared = this.value(v);
      // strings compare by content: an equal one may still be another heap object
      if (shared !== v || typeof v === 'string') setField(doc, k, shared);
    }
  }

  private value(v: unknown): unknown {
    if (typeof v === 'string') return v.length <= MAX_SHARED_STRING ? this.strings.share(v, v) : v;
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Int32) return this.int32s.share(v.value, v);
    if (v instanceof Date) return this.dates.share(v.getTime(), v);
    if (v instanceof ObjectId) return this.objectIds.share(canonicalKey(v), v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = this.value(v[i]);
    } else if (isPlainObject(v)) this.shareLeaves(v);
    return v;
  }
}
