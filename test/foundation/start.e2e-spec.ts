import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Starts the built app on the embedded emulator with its data in `dbPath`; resolves once it listens. */
async function startApp(dbPath: string): Promise<{ child: ChildProcess; baseUrl: string; output: () => string }> {
  let output = '';
  const child = spawn(process.execPath, [join(root, 'dist', 'src', 'main.js')], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'development', LOG_LEVEL: 'info', MONGODB_URI: '', MONGODB_EMULATOR_DBPATH: dbPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Listening" line within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on (http:\/\/localhost:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`app exited with ${code}:\n${output}`)));
  });
  return { child, baseUrl, output: () => output };
}

/**
 * The README's `npm start` path: the Nest build (not the TypeScript sources the other suites
 * run) on the embedded emulator. Catches what only the build breaks, e.g. a path alias the
 * compiler does not rewrite. Development keeps the emulator's data on disk: a restart (each
 * save under `npm run start:dev`) must not lose the developer's sign-up.
 */
describe('npm start (built app, embedded emulator)', () => {
  let child: ChildProcess;
  let baseUrl: string;
  let output: () => string;
  const dbPath = mkdtempSync(join(tmpdir(), 'app-dbpath-'));
  const account = { tenantName: 'Restart Ltd', email: 'ada@restart.example', password: 'correct-horse-battery', displayName: 'Ada' };

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-needed.js')], { cwd: root, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stdout + build.stderr);
    ({ child, baseUrl, output } = await startApp(dbPath));
  }, 300_000); // a first `nest build` on a loaded 2-core machine

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dbPath, { recursive: true, force: true });
  });

  it('says where the data lives, answers /health/ready and serves Swagger UI', async () => {
    assert.match(output(), new RegExp(`embedded MongoDB emulator.*Data is kept in ${dbPath}`));
    const ready = await fetch(`${baseUrl}/health/ready`);
    assert.equal(ready.status, 200);
    assert.equal((await fetch(`${baseUrl}/docs`)).status, 200);
    assert.equal((await fetch(`${baseUrl}/docs-json`)).status, 200);
  });

  it('keeps a sign-up across a crash (kill -9) and restart on the same data directory', async () => {
    const signup = await fetch(`${baseUrl}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(account) });
    assert.equal(signup.status, 201, await signup.text());
    child.kill('SIGKILL');
    await once(child, 'exit');
    ({ child, baseUrl, output } = await startApp(dbPath));
    const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    assert.equal(login.status, 200, await login.text());
  });

  it('shuts down gracefully on SIGTERM: hooks run, the emulator stops, then the signal ends the process', async () => {
    child.kill('SIGTERM');
    // Nest closes the app, then re-raises the signal so the exit still reports SIGTERM.
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    assert.ok(code === 0 || signal === 'SIGTERM', `exit ${code} ${signal}`);
    assert.match(output(), /Embedded MongoDB emulator stopped/);
  });
});
