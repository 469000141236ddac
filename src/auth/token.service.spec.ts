import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { JwtService } from '@nestjs/jwt';
import { UnauthenticatedError } from '@app/problem-details';
import type { AppConfigService } from '../common/config/app-config.service';
import { Role } from './role';
import { TokenService } from './token.service';

const SECRET = 'unit-test-secret-unit-test-secret';
const config = (values: Record<string, unknown> = {}) =>
  ({ get: (key: string) => ({ JWT_SECRET: SECRET, JWT_ACCESS_TTL_SECONDS: 900, ...values })[key] }) as unknown as AppConfigService;
const service = (secret = SECRET) => new TokenService(new JwtService({ secret }), config({ JWT_SECRET: secret }));
const claims = { sub: '665f1c2e8b3e4a0012345678', tid: '665f1c2e8b3e4a0012345670', sid: '665f1c2e8b3e4a00123456aa', roles: [Role.Admin] };

describe(TokenService.name, () => {
  it('signs access tokens with sub, tid, roles, sid and a 15-minute lifetime, and verifies them', async () => {
    const tokens = service();
    const jwt = await tokens.signAccessToken(claims);
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
    assert.equal(payload.exp - payload.iat, 900);
    assert.deepEqual(await tokens.verifyAccessToken(jwt), claims);
  });

  it('rejects tokens signed with another secret, unsigned (alg none), tampered or expired', async () => {
    const tokens = service();
    const other = await service('another-secret-another-secret!!').signAccessToken(claims);
    const [header, payload] = (await tokens.signAccessToken(claims)).split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'], tid: '665f1c2e8b3e4a0099999999' })).toString('base64url')}.x`;
    const expired = await new JwtService({ secret: SECRET }).signAsync({ tid: claims.tid, sid: claims.sid, roles: claims.roles }, { subject: claims.sub, expiresIn: -10 });
    for (const token of [other, none, tampered, expired, 'garbage']) {
      await assert.rejects(tokens.verifyAccessToken(token), UnauthenticatedError);
    }
  });

  it('rejects validly signed tokens with malformed claims', async () => {
    const jwt = new JwtService({ secret: SECRET });
    const bad = await jwt.signAsync({ tid: claims.tid, sid: claims.sid, roles: ['root'] }, { subject: claims.sub });
    await assert.rejects(service().verifyAccessToken(bad), UnauthenticatedError);
  });

  it('makes 256-bit opaque tokens and keeps only their SHA-256', () => {
    const tokens = service();
    const a = tokens.newOpaqueToken();
    const b = tokens.newOpaqueToken();
    assert.match(a.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(a.token, 'base64url').length, 32);
    assert.notEqual(a.token, b.token);
    assert.equal(a.hash, tokens.hashOpaqueToken(a.token));
    assert.match(a.hash, /^[0-9a-f]{64}$/);
  });

  it('seals secrets so only the same secret opens them', () => {
    const sealed = service().seal('reset-token');
    assert.doesNotMatch(sealed, /reset-token/);
    assert.equal(service().open(sealed), 'reset-token');
    assert.throws(() => service('another-secret-another-secret!!').open(sealed));
  });
});
