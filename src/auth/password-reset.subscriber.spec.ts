import { afterEach, describe, it, jest } from '@jest/globals';
import assert from 'node:assert/strict';
import { Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { OutboxEvent, OutboxService } from '@app/concurrency';
import type { AppConfigService } from '../common/config/app-config.service';
import { PASSWORD_RESET_REQUESTED } from './password-reset.service';
import { PasswordResetSubscriber } from './password-reset.subscriber';
import { TokenService } from './token.service';

const config = (nodeEnv: string) =>
  ({ get: (key: string) => ({ NODE_ENV: nodeEnv, JWT_SECRET: 'unit-test-secret-unit-test-secret', JWT_ACCESS_TTL_SECONDS: 900 })[key] }) as unknown as AppConfigService;

function deliver(nodeEnv: string): { lines: string[]; token: string; sealed: string } {
  const tokens = new TokenService(new JwtService({ secret: 'x' }), config(nodeEnv));
  const { token } = tokens.newOpaqueToken();
  const sealed = tokens.seal(token);
  const lines: string[] = [];
  jest.spyOn(Logger.prototype, 'log').mockImplementation((m: unknown) => void lines.push(`log ${String(m)}`));
  jest.spyOn(Logger.prototype, 'warn').mockImplementation((m: unknown) => void lines.push(`warn ${String(m)}`));
  const subscriber = new PasswordResetSubscriber({} as OutboxService, tokens, config(nodeEnv));
  const event = { id: '1', seq: 1, createdAt: new Date(), type: PASSWORD_RESET_REQUESTED, tenantId: 't1', payload: { userId: 'u1', email: 'ada@acme.example', sealedToken: sealed, expiresAt: '2030-01-01T00:00:00.000Z' } } as OutboxEvent;
  void subscriber.deliver(event);
  return { lines, token, sealed };
}

describe(PasswordResetSubscriber.name, () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('outside production, logs the token at info level so a developer can finish the flow', () => {
    const { lines, token } = deliver('development');
    assert.equal(lines.length, 1);
    assert.ok(lines[0].startsWith('log ') && lines[0].includes(token) && lines[0].includes('ada@acme.example'));
  });

  it('in production, never logs the token (sealed or not)', () => {
    const { lines, token, sealed } = deliver('production');
    assert.equal(lines.length, 1);
    assert.ok(lines[0].startsWith('warn '));
    assert.ok(!lines[0].includes(token) && !lines[0].includes(sealed) && !lines[0].includes('ada@acme.example'));
  });
});
