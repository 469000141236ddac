/**
 * The two child processes of `npm run bench`: the MongoDB emulator and the app, each in its
 * own process so the app's event loop is measured alone (the emulator does its work on
 * another core, as a real mongod would). Both are started from this repository's sources
 * and stopped by their own pid, whatever happens to the bench.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = join(__dirname, '..');

/** A child whose last output lines are kept, so a crash can be explained without a log file. */
export interface Child {
  name: string;
  proc: ChildProcess;
  /** The last lines it wrote (stdout and stderr). */
  tail(): string;
}

function track(name: string, proc: ChildProcess): Child {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 60) lines.shift();
    }
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return { name, proc, tail: () => lines.join('\n') };
}

/** Starts the emulator CLI on a free port and resolves with its connection string. */
export async function startEmulator(): Promise<{ child: Child; uri: string }> {
  const proc = spawn(process.execPath, ['--require', '@swc-node/register', 'libs/mongo-emulator/src/cli.ts', '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'development' },
  });
  const child = track('emulator', proc);
  const uri = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`the emulator printed no URI within 90 s:\n${child.tail()}`)), 90_000);
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = /^(mongodb:\/\/\S+)$/m.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with ${code}:\n${child.tail()}`));
    });
  });
  return { child, uri };
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export type AppMode = 'source' | 'dist';

/**
 * Starts the app against `mongoUri` and resolves once /health/ready answers 200.
 *
 * Default mode `source` runs src/main.ts through @swc-node/register (exactly as the e2e
 * suites do): a clean clone has no dist/, and a full `nest build` (tsc, type-checking the
 * whole project) takes longer on a 2-core machine than the whole quick pass may. The code
 * that runs is the same transpiled TypeScript either way; `BENCH_APP=dist` measures the
 * `npm start` artefact instead (building it first if stale).
 */
export async function startApp(mongoUri: string, mode: AppMode): Promise<{ child: Child; baseUrl: string }> {
  if (mode === 'dist') {
    const built = spawnSync(process.execPath, ['scripts/build-if-needed.js'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('`node scripts/build-if-needed.js` failed; run without BENCH_APP=dist to bench the sources');
  }
  const port = await freePort();
  const args = mode === 'dist' ? ['dist/src/main.js'] : ['--require', '@swc-node/register', 'src/main.ts'];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MONGODB_URI: mongoUri,
    PORT: String(port),
    HOST: '127.0.0.1',
    // The deliberately unsafe allocate-naive route exists only with this flag (never in production).
    BENCH_ROUTES: '1',
    NODE_ENV: 'development',
    // Per-request info logs would measure the logger; warnings and errors still show.
    LOG_LEVEL: 'warn',
    // All bench clients come from one address; the auth throttle would only slow the sign-ups.
    AUTH_THROTTLE_ENABLED: 'false',
    JWT_SECRET: randomBytes(24).toString('hex'),
    // The full pass outlives the default 15-minute token only on a very slow machine, but never fail on it.
    JWT_ACCESS_TTL_SECONDS: '7200',
  };
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
  const child = track('app', proc);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  let exited: number | null | undefined;
  proc.once('exit', (code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`the app exited with ${exited} during start-up:\n${child.tail()}`);
    try {
      const res = await fetch(`${baseUrl}/health/ready`);
      await res.arrayBuffer();
      if (res.status === 200) return { child, baseUrl };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the app was not ready within 120 s:\n${child.tail()}`);
}

/** SIGTERM (graceful shutdown), then SIGKILL after `graceMs`; resolves when the child is gone. */
export async function stopChild(child: Child | undefined, graceMs = 5_000): Promise<void> {
  if (!child) return;
  const { proc } = child;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}
