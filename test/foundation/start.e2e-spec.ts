import { afterAll, beforeAll, describe, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/**
 * The README's `npm start` path: the Nest build (not the TypeScript sources the other suites
 * run) on the embedded emulator. Catches what only the build breaks, e.g. a path alias the
 * compiler does not rewrite.
 */
describe('npm start (built app, embedded emulator)', () => {
  let child: ChildProcess;
  let baseUrl: string;
  let output = '';

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-needed.js')], { cwd: root, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stdout + build.stderr);
    child = spawn(process.execPath, [join(root, 'dist', 'src', 'main.js')], {
      cwd: root,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'development', LOG_LEVEL: 'info', MONGODB_URI: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    baseUrl = await new Promise<string>((resolve, reject) => {
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
  }, 300_000); // a first `nest build` on a loaded 2-core machine

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('says the data lives in memory, answers /health/ready and serves Swagger UI', async () => {
    assert.match(output, /embedded MongoDB emulator.*lost on exit/);
    const ready = await fetch(`${baseUrl}/health/ready`);
    assert.equal(ready.status, 200);
    assert.equal((await fetch(`${baseUrl}/docs`)).status, 200);
    assert.equal((await fetch(`${baseUrl}/docs-json`)).status, 200);
  });

  it('shuts down gracefully on SIGTERM: hooks run, the emulator stops, then the signal ends the process', async () => {
    child.kill('SIGTERM');
    // Nest closes the app, then re-raises the signal so the exit still reports SIGTERM.
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    assert.ok(code === 0 || signal === 'SIGTERM', `exit ${code} ${signal}`);
    assert.match(output, /Embedded MongoDB emulator stopped/);
  });
});
