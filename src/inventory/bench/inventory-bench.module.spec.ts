import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { benchRoutesEnabled } from './inventory-bench.module';

describe(benchRoutesEnabled.name, () => {
  it('is off unless BENCH_ROUTES is on, and never in production', () => {
    assert.equal(benchRoutesEnabled({ NODE_ENV: 'test' }), false);
    assert.equal(benchRoutesEnabled({ NODE_ENV: 'test', BENCH_ROUTES: '0' }), false);
    assert.equal(benchRoutesEnabled({ NODE_ENV: 'test', BENCH_ROUTES: '1' }), true);
    assert.equal(benchRoutesEnabled({ NODE_ENV: 'development', BENCH_ROUTES: 'true' }), true);
    assert.equal(benchRoutesEnabled({ NODE_ENV: 'production', BENCH_ROUTES: '1', JWT_SECRET: 'a-real-production-secret-0123456789', MONGODB_URI: 'mongodb://db:27017/app' }), false);
  });
});
