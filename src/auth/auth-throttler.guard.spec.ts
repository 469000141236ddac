import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { authThrottlerOptions, loginEmailTracker, THROTTLE_BY_IP, THROTTLE_BY_LOGIN_EMAIL } from './auth-throttler.guard';
import { TooManyRequestsError } from './auth.errors';

describe('AuthThrottlerGuard', () => {
  it('tracks login attempts by the normalised email (the guard runs before validation)', () => {
    assert.equal(loginEmailTracker({ body: { email: '  Ada@Acme.EXAMPLE ' }, ip: '1.2.3.4' }), 'email:ada@acme.example');
    assert.equal(loginEmailTracker({ body: { email: { $ne: 1 } }, ip: '1.2.3.4' }), 'no-email:1.2.3.4');
    assert.equal(loginEmailTracker({ ip: '1.2.3.4' }), 'no-email:1.2.3.4');
  });

  it('limits 60/min per IP and 10/min per login email, and can be switched off', () => {
    const options = authThrottlerOptions(true);
    assert.ok(!Array.isArray(options));
    const byName = Object.fromEntries(options.throttlers.map((t) => [t.name, t]));
    assert.deepEqual([byName[THROTTLE_BY_IP].limit, byName[THROTTLE_BY_IP].ttl], [60, 60_000]);
    assert.deepEqual([byName[THROTTLE_BY_LOGIN_EMAIL].limit, byName[THROTTLE_BY_LOGIN_EMAIL].ttl], [10, 60_000]);
    assert.equal(options.skipIf?.({} as never), false);
    const off = authThrottlerOptions(false);
    assert.ok(!Array.isArray(off) && off.skipIf?.({} as never) === true);
  });

  it('answers 429 too-many-requests with Retry-After in whole seconds', () => {
    const error = new TooManyRequestsError(12.2);
    assert.deepEqual([error.status, error.code, error.headers['retry-after']], [429, 'too-many-requests', '13']);
    assert.equal(new TooManyRequestsError(0).headers['retry-after'], '1');
  });
});
