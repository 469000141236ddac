/**
 * The logical clock: every commit gets a strictly increasing BSON Timestamp
 * (t = unix seconds, i = counter within the second), used as MVCC version, operationTime
 * and $clusterTime. Internally a timestamp is the number `t * 2^20 + i`, which orders like the
 * Timestamp and stays an exact JS number.
 */
import { Timestamp } from 'bson';

const SHIFT = 2 ** 20;

export class Clock {
  private last: number;

  constructor() {
    this.last = Math.floor(Date.now() / 1000) * SHIFT + 1;
  }

  /** The latest assigned time. */
  now(): number {
    return this.last;
  }

  /** Assigns a new time, strictly greater than every earlier one. */
  tick(): number {
    const wall = Math.floor(Date.now() / 1000) * SHIFT;
    let next = Math.max(this.last + 1, wall + 1);
    if (next % SHIFT === 0) next += 1;
    this.last = next;
    return next;
  }

  /** Moves the clock forward to at least `v` (times recovered from the journal stay in the past). */
  advanceTo(v: number): void {
    if (v > this.last) this.last = v;
  }

  /** The internal value of the clock as it was `ms` milliseconds ago (for history windows). */
  ago(ms: number): number {
    return Math.floor((Date.now() - ms) / 1000) * SHIFT;
  }

  static toTimestamp(v: number): Timestamp {
    const t = Math.floor(v / SHIFT);
    const i = v - t * SHIFT;
    return new Timestamp({ t, i });
  }

  static fromTimestamp(ts: Timestamp): number {
    const i = Math.min(ts.i, SHIFT - 1);
    return ts.t * SHIFT + i;
  }
}
