import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { securityHeaders } from './security-headers';

describe(securityHeaders.name, () => {
  it("computes helmet's headers once, with the app's CSP", () => {
    const headers = securityHeaders();
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['x-frame-options'], 'SAMEORIGIN');
    assert.match(headers['strict-transport-security'], /max-age=\d+/);
    assert.match(headers['content-security-policy'], /default-src 'self';/);
    assert.match(headers['content-security-policy'], /img-src 'self' data: validator\.swagger\.io/);
    assert.match(headers['content-security-policy'], /script-src 'self' 'unsafe-inline'/);
  });

  it('refuses an invalid directive at boot, as helmet does', () => {
    assert.throws(() => securityHeaders({ contentSecurityPolicy: { directives: { defaultSrc: ['self'] } } }), /should be quoted/);
  });
});
