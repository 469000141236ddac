/**
 * The child processes of `npm run bench`: the MongoDB emulator, the app (built, as `npm start`
 * runs it), the framework-free floor server, and — only for allocate-naive — a second app with
 * the unsafe route (bench/naive-app.ts). Each runs in its own process so the app's event loop
 * is measured alone (the emulator does its work on another core, as a real mongod would); all are stopped
 * by their own pid, whatever happens to the bench.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = join(__dirname, '..');

/**
 * The checkout whose app is benched: this one, or BENCH_APP_DIR (another checkout with its
 * own node_modules, e.g. the commit before a change, for an A/B run with the same bench).
 */
const APP_ROOT = process.env.BENCH_APP_DIR ? resolve(process.env.BENCH_APP_DIR) : ROOT;

/** A child whose last output lines are kept, so a crash can be explained without a log file. */
export interface Child {
  name: string;
  proc: ChildProcess;
  /** The last lines it wrote (stdout and stderr). */
  tail(): string;
}

/** How much of a child's output is kept for the crash message. */
const TAIL_BYTES = 16 * 1024;

function track(name: string, proc: ChildProcess): Child {
  // Raw chunks, split into lines only when asked: the app logs a line per request, and the
  // bench shares the cores it measures, so keeping its output must cost next to nothing.
  const chunks: Buffer[] = [];
  let kept = 0;
  const keep = (chunk: Buffer) => {
    chunks.push(chunk);
    kept += chunk.length;
    while (kept - chunks[0].length > TAIL_BYTES) kept -= chunks.shift()!.length;
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return { name, proc, tail: () => Buffer.concat(chunks).toString('utf8').split('\n').slice(-60).join('\n') };
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

export type AppMode = 'dist' | 'source';

export interface AppOptions {
  mode: AppMode;
  jwtSecret: string;
  /**
   * The deliberately unsafe allocate-naive route is not part of the app's build: it gets an
   * app of its own, bench/naive-app.ts (the app plus bench/naive-allocation, run from source
   * in development mode); every other scenario is measured on the production configuration.
   */
  benchRoutes?: boolean;
}

/** Builds dist/ when it is missing or stale (`npm start` does the same). */
export function buildApp(): void {
  const built = spawnSync(process.execPath, ['scripts/build-if-needed.js'], { cwd: APP_ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('`node scripts/build-if-needed.js` failed; BENCH_APP=source benches the sources instead');
}

/**
 * Starts the app against `mongoUri` and resolves once /health/ready answers 200.
 *
 * Default mode `dist` is what `npm start` runs: the `nest build` output (dist/src/main.js),
 * NODE_ENV=production and the default log level (info: one access-log line per request),
 * so the bench measures what production pays. `BENCH_APP=source` runs src/main.ts through
 * @swc-node/register instead (as the e2e suites do) to skip the build while developing.
 */
export async function startApp(mongoUri: string, options: AppOptions): Promise<{ child: Child; baseUrl: string }> {
  const port = await freePort();
  // BENCH_CPU_PROF=dir: the app writes a V8 CPU profile there when it exits (bench/cpuprofile-summary.ts reads it).
  const profile = process.env.BENCH_CPU_PROF && !options.benchRoutes ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const entry = options.benchRoutes ? ['--require', '@swc-node/register', 'bench/naive-app.ts'] : options.mode === 'dist' ? ['dist/src/main.js'] : ['--require', '@swc-node/register', 'src/main.ts'];
  const args = [...profile, ...entry];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MONGODB_URI: mongoUri,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: options.benchRoutes ? 'development' : 'production',
    // All bench clients come from one address; the auth throttle would only slow the sign-ups.
    AUTH_THROTTLE_ENABLED: 'false',
    JWT_SECRET: options.jwtSecret,
    // The full pass outlives the default 15-minute token only on a very slow machine, but never fail on it.
    JWT_ACCESS_TTL_SECONDS: '7200',
  };
  // The default log level, whatever the caller's shell says.
  delete env.LOG_LEVEL;
  delete env.METRICS_PORT;
  delete env.METRICS_TOKEN;
  // The naive app is always this checkout's (an A/B checkout from before the move has no bench/naive-app.ts).
  const proc = spawn(process.execPath, args, { cwd: options.benchRoutes ? ROOT : APP_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
  const child = track(options.benchRoutes ? 'app (bench routes)' : 'app', proc);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitReady(child, `${baseUrl}/health/ready`);
  return { child, baseUrl };
}

async function waitReady(child: Child, url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let exited: number | null | undefined;
  child.proc.once('exit', (code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`${child.name} exited with ${exited} during start-up:\n${child.tail()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${child.name} was not ready within 120 s:\n${child.tail()}`);
}

/** The framework-free floor (bench/floor-server.ts): its URL and the document it seeded. */
export interface Floor {
  child: Child;
  baseUrl: string;
  itemId: string;
  tenantId: string;
}

export async function startFloor(mongoUri: string, jwtSecret: string): Promise<Floor> {
  const proc = spawn(process.execPath, ['--require', '@swc-node/register', 'bench/floor-server.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', MONGODB_URI: mongoUri, JWT_SECRET: jwtSecret, PORT: '0' },
  });
  const child = track('floor', proc);
  const ready = await new Promise<{ port: number; id: string; tenantId: string }>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`the floor server printed nothing within 60 s:\n${child.tail()}`)), 60_000);
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = /^(\{"port".*\})$/m.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(JSON.parse(match[1]));
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the floor server exited with ${code}:\n${child.tail()}`));
    });
  });
  return { child, baseUrl: `http://127.0.0.1:${ready.port}`, itemId: ready.id, tenantId: ready.tenantId };
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

let ticksPerSecond: number | undefined;

/**
 * CPU seconds (user + system) a child has used so far, from /proc (Linux); undefined
 * elsewhere. CPU time per request barely moves when other processes compete for the cores,
 * unlike requests per second, so it is the steadier measure on a shared machine.
 */
export function cpuSeconds(child: Child): number | undefined {
  try {
    const stat = readFileSync(`/proc/${child.proc.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}
