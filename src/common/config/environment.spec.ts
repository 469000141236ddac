import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { DEFAULT_JWT_SECRET, validateEnvironment } from './environment';

describe(validateEnvironment.name, () => {
  it('refuses to start in production with the default JWT secret', () => {
    assert.throws(() => validateEnvironment({ NODE_ENV: 'production' }), /JWT_SECRET: must be set/);
    assert.throws(() => validateEnvironment({ NODE_ENV: 'production', JWT_SECRET: DEFAULT_JWT_SECRET }), /JWT_SECRET/);
  });

  it('refuses a missing (empty) or short secret everywhere', () => {
    assert.throws(() => validateEnvironment({ NODE_ENV: 'production', JWT_SECRET: '' }), /JWT_SECRET/);
    assert.throws(() => validateEnvironment({ NODE_ENV: 'development', JWT_SECRET: 'too-short' }), /JWT_SECRET/);
  });

  it('refuses to start in production without MONGODB_URI (the in-memory emulator would lose all data)', () => {
    const secret = 'a-real-secret-of-32-characters!!';
    assert.throws(() => validateEnvironment({ NODE_ENV: 'production', JWT_SECRET: secret }), /MONGODB_URI: must be set in production/);
    assert.throws(() => validateEnvironment({ NODE_ENV: 'production', JWT_SECRET: secret, MONGODB_URI: '' }), /MONGODB_URI: must be set in production/);
    // Both mistakes at once are reported together.
    assert.throws(() => validateEnvironment({ NODE_ENV: 'production' }), /JWT_SECRET[\s\S]*MONGODB_URI/);
  });

  it('starts in production with a secret of its own and a database', () => {
    const env = validateEnvironment({ NODE_ENV: 'production', JWT_SECRET: 'a-real-secret-of-32-characters!!', MONGODB_URI: 'mongodb://db:27017/app?replicaSet=rs0' });
    assert.equal(env.JWT_SECRET, 'a-real-secret-of-32-characters!!');
    assert.equal(env.JWT_ACCESS_TTL_SECONDS, 900);
  });

  it('allows the default secret outside production, and auth throttling defaults to on', () => {
    const env = validateEnvironment({ NODE_ENV: 'development' });
    assert.equal(env.JWT_SECRET, DEFAULT_JWT_SECRET);
    assert.equal(env.AUTH_THROTTLE_ENABLED, true);
    assert.equal(validateEnvironment({ AUTH_THROTTLE_ENABLED: 'false' }).AUTH_THROTTLE_ENABLED, false);
  });
});
