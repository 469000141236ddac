import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isDuplicateKeyError } from '@app/concurrency';
import type { Model } from 'mongoose';
import { ThrottleCounter } from './throttle-counter.schema';

/** Every mongoose call on the shared rate-limit counters. */
@Injectable()
export class ThrottleCountersRepository {
  constructor(@InjectModel(ThrottleCounter.name) private readonly counters: Model<ThrottleCounter>) {}

  /**
   * Counts one hit and returns the window after it. A live window is incremented in one atomic
   * update; a missing or expired one is replaced by a fresh window in one atomic upsert. When two
   * requests open the same window at once, the unique `_id` lets one insert and the other retry
   * into the increment — no hit is lost and no window is opened twice.
   */
  async hit(id: string, windowMs: number, now: Date): Promise<{ hits: number; expiresAt: Date }> {
    for (let attempt = 0; ; attempt++) {
      const live = await this.counters
        .findOneAndUpdate({ _id: id, expiresAt: { $gt: now } }, { $inc: { hits: 1 } }, { returnDocument: 'after' })
        .lean<ThrottleCounter>()
        .exec();
      if (live) return live;
      try {
        const fresh = await this.counters
          .findOneAndUpdate(
            { _id: id, expiresAt: { $lte: now } },
            { $set: { hits: 1, expiresAt: new Date(now.getTime() + windowMs) } },
            { upsert: true, returnDocument: 'after' },
          )
          .lean<ThrottleCounter>()
          .exec();
        return fresh!;
      } catch (err) {
        if (!isDuplicateKeyError(err) || attempt >= 2) throw err;
      }
    }
  }
}
