import { describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** The module boundary is a lint rule (eslint.config.mjs), not a hope: prove it fires. */
describe('module boundaries (ESLint)', () => {
  // ESLint in its own process: its flat config is an ES module, which Jest's runtime cannot import.
  const lint = async (file: string, code: string): Promise<string[]> => {
    const run = spawnSync(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', file, '--format', 'json'], {
      cwd: root,
      input: code,
      encoding: 'utf8',
    });
    const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
    return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };

  it("refuses another module's repository or schema", async () => {
    const code = "import { UsersRepository } from '../../users/users.repository';\nimport { User } from '../../users/user.schema';\nexport const x = [UsersRepository, User];\n";
    assert.equal((await lint('src/auth/dto/x.ts', code)).length, 2);
  });

  it("allows the module's own files and other modules' services", async () => {
    const code = "import { SessionsRepository } from './sessions.repository';\nimport { UserAccountsService } from '../users/user-accounts.service';\nexport const x = [SessionsRepository, UserAccountsService];\n";
    assert.deepEqual(await lint('src/auth/x.ts', code), []);
  });

  it('keeps @app/problem-details below the toolkit: it imports neither @app/concurrency nor a database driver', async () => {
    const code = "import { ContentionError } from '@app/concurrency';\nimport { MongoServerError } from 'mongodb';\nexport const x = [ContentionError, MongoServerError];\n";
    assert.equal((await lint('libs/problem-details/src/x.ts', code)).length, 2);
  });
});
