import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { ThrottleCountersRepository } from './throttle-counters.repository';

/**
 * @nestjs/throttler storage in the database, so every app instance counts against the same
 * limit. Each tracker gets a fixed window that opens with its first hit (the same semantics as
 * the Redis storages for the throttler); once over the limit it stays blocked until the window
 * ends, which Retry-After reports. `blockDuration` is not used: the app's limits leave it at its
 * default, the window itself.
 */
@Injectable()
export class MongoThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly counters: ThrottleCountersRepository) {}

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = new Date();
    const { hits, expiresAt } = await this.counters.hit(`${throttlerName}:${key}`, ttl, now);
    const timeToExpire = Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
    const isBlocked = hits > limit;
    return { totalHits: hits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }
}
