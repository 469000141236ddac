import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { ValidationFailedError } from '@app/problem-details';
import type { AuthUser } from '../auth/auth-user';
import { Role } from '../auth/role';
import { SettingKeyPipe } from './setting-key.pipe';
import type { SettingRepository, StoredSetting } from './setting.repository';
import { SettingsService } from './settings.service';

const admin: AuthUser = { userId: 'u1', tenantId: 't1', roles: [Role.Admin], sessionId: 's1' };
const stored = (value: unknown, version: number) => ({ key: 'k', value, version }) as unknown as StoredSetting;

describe(SettingsService.name, () => {
  it('If-Match "0" creates; any other version replaces under the version guard; arrays are lists', async () => {
    const calls: unknown[][] = [];
    const repo = {
      create: async (...args: unknown[]) => (calls.push(['create', ...args]), stored(args[3], 1)),
      replace: async (...args: unknown[]) => (calls.push(['replace', ...args]), stored(args[3], 4)),
    } as unknown as SettingRepository;
    const service = new SettingsService(repo);
    assert.deepEqual({ ...(await service.put(admin, 'k', 0, ['a'])) }, { key: 'k', value: ['a'], version: 1 });
    assert.deepEqual({ ...(await service.put(admin, 'k', 3, { on: true })) }, { key: 'k', value: { on: true }, version: 4 });
    assert.deepEqual(calls, [
      ['create', 't1', 'k', 'list', ['a']],
      ['replace', { tenantId: 't1', key: 'k' }, 3, 'value', { on: true }],
    ]);
  });

  it('keys are lower case, digits, "-" and "_" (snake_case too), at most 64 characters', () => {
    const pipe = new SettingKeyPipe();
    for (const ok of ['a', 'document-categories', 'dropdown_customers', '0-x', 'k'.repeat(64)]) assert.equal(pipe.transform(ok, { type: 'param', data: 'key' }), ok);
    for (const bad of ['', '-a', '_a', 'A', 'a.b', 'k'.repeat(65), '$where']) {
      assert.throws(() => pipe.transform(bad, { type: 'param', data: 'key' }), ValidationFailedError, bad);
    }
  });
});
