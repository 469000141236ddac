/**
 * `npm run bench` — the HTTP benchmark of issue #11 (never part of `npm test`).
 *
 * Starts the MongoDB emulator, the built app in its production configuration and the
 * framework-free floor server as child processes, signs up one tenant per scenario through
 * the public API, and drives every scenario at 1, 8, 32 and 64 concurrent clients — level by
 * level, so the cells compared in a ratio ran minutes apart at most, under the same machine
 * load. After every cell it checks that the server's state is exactly what the counted
 * responses say. Writes bench/results/latest.json, a dated copy (git-ignored) and
 * bench/results/latest.html.
 *
 *   npm run bench                     full pass (10 s per cell, under 10 minutes)
 *   BENCH_QUICK=1 npm run bench       quick pass (3 s per cell, under 3 minutes on 2 cores)
 *   BENCH_SCENARIOS=get-item,transfer only these (for development; the report then lacks the rest)
 *   BENCH_LEVELS=64                   only these concurrency levels (for development)
 *   BENCH_APP_DIR=../other-checkout   bench that checkout's app (A/B against a change) with this bench
 *   BENCH_APP=source                  bench the sources through @swc-node/register instead of the build
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Api, percentile, runLoad, type LoadResult } from './http';
import { delta, scrape } from './metrics';
import { AppMode, buildApp, Child, cpuSeconds, ROOT, startApp, startEmulator, startFloor, stopChild } from './processes';
import { Progress } from './progress';
import { renderHtml } from './report-html';
import type { BenchResults, LevelRatios, Row } from './results';
import { NAIVE_NOTE, SCENARIOS, type Cell, type PreparedScenario, type Targets } from './scenarios';

const QUICK = ['1', 'true'].includes(process.env.BENCH_QUICK ?? '');
const LEVELS = process.env.BENCH_LEVELS ? process.env.BENCH_LEVELS.split(',').map(Number) : [1, 8, 32, 64];
// 32 cells: 32 × 3 s ≈ 96 s of load in the quick pass, 32 × 10 s = 320 s in the full one; the
// rest of each budget is the build (when stale), start-up, the 1000 items / 100 accounts of
// set-up, and the checks.
const CELL_SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 3 : 10));
// Each cell's workers also run this long unmeasured just before its clock, straight into it:
// the first second of a cell otherwise carried what the cell before left behind (its check's
// whole-collection reads and their garbage; the naive app, idle since its previous cell).
const CELL_WARMUP_MS = Number(process.env.BENCH_CELL_WARMUP_MS ?? (QUICK ? 500 : 1000));
// A first, unrecorded burst per scenario so the JIT and the connection pools are warm before
// the 1-client cell, which would otherwise measure start-up.
const WARMUP_SECONDS = QUICK ? 2 : 4;
// At the busiest level: the servers' driver pools then already hold the connections that
// level needs, instead of opening them (handshakes and all) inside a measured cell.
const WARMUP_CLIENTS = Math.max(...LEVELS);
const APP_MODE: AppMode = process.env.BENCH_APP === 'source' ? 'source' : 'dist';
const RESULTS = join(ROOT, 'bench', 'results');

const selected = process.env.BENCH_SCENARIOS?.split(',').map((s) => s.trim());
const scenarios = selected ? SCENARIOS.filter((s) => selected.includes(s.name)) : SCENARIOS;

const children: Child[] = [];
let cleaning: Promise<void> | undefined;
const cleanup = (): Promise<void> => (cleaning ??= (async () => {
  // App first: its graceful shutdown still talks to the database.
  for (const c of [...children].reverse()) await stopChild(c);
})());

/** Set on Ctrl-C / SIGTERM: the loops stop instead of reporting the dying app as failed cells. */
let interrupted = false;
class Interrupted extends Error {}
const checkInterrupted = (): void => {
  if (interrupted) throw new Interrupted('interrupted');
};

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    process.stdout.write(`\n${signal}: stopping the app and the emulator…\n`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** BENCH_TRACE=dir: every measured request of the cell as a CSV line (sent at, latency, in ms), to see when the slow ones happen. */
function writeTrace(dir: string, name: string, concurrency: number, load: LoadResult): void {
  mkdirSync(dir, { recursive: true });
  const lines = Array.from(load.latenciesMs, (ms, i) => `${load.sentAtMs[i].toFixed(2)},${ms.toFixed(2)}`);
  writeFileSync(join(dir, `${name}-${concurrency}.csv`), `sentAtMs,latencyMs\n${lines.join('\n')}\n`);
}

const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

function row(name: string, concurrency: number, load: LoadResult, retries: number, inputsPerBatch: number | null, cpuS: number | undefined, outcome: { correct: boolean; detail: string; oversoldBy?: number }): Row {
  const sorted = Float64Array.from(load.latenciesMs).sort();
  const successes = Object.entries(load.statuses).reduce((sum, [s, n]) => sum + (s.startsWith('2') ? n : 0), 0);
  return {
    name,
    concurrency,
    rps: round(load.requests / load.elapsedS, 1),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    p99OverP50: percentile(sorted, 50) > 0 ? round(percentile(sorted, 99) / percentile(sorted, 50)) : null,
    statuses: load.statuses,
    retriesPerSuccess: successes ? round(retries / successes, 4) : 0,
    inputsPerBatch,
    serverCpuUsPerRequest: cpuS !== undefined && load.requests > 0 ? Math.round((cpuS * 1e6) / load.requests) : null,
    correct: outcome.correct,
    ...(outcome.oversoldBy === undefined ? {} : { oversoldBy: outcome.oversoldBy }),
    requests: load.requests,
    elapsedS: round(load.elapsedS),
    warmupRequests: Object.values(load.warmupStatuses).reduce((sum, n) => sum + n, 0),
    detail: outcome.detail,
  };
}

/** A row for a cell that could not run (a missing or broken route): shown, never hidden. */
function failedRow(name: string, concurrency: number, error: unknown): Row {
  const message = error instanceof Error ? error.message : String(error);
  return { name, concurrency, rps: 0, p50Ms: 0, p99Ms: 0, p99OverP50: null, statuses: {}, retriesPerSuccess: 0, inputsPerBatch: null, serverCpuUsPerRequest: null, correct: false, requests: 0, elapsedS: 0, warmupRequests: 0, detail: `did not run: ${message.split('\n')[0]}` };
}

const ratio = (a: Row | undefined, b: Row | undefined): number | null => (a && b && b.rps > 0 ? round(a.rps / b.rps, 3) : null);
const cpuRatio = (a: Row | undefined, b: Row | undefined): number | null =>
  a?.serverCpuUsPerRequest && b?.serverCpuUsPerRequest ? round(a.serverCpuUsPerRequest / b.serverCpuUsPerRequest, 2) : null;

async function main(): Promise<void> {
  const began = Date.now();
  const load0 = loadavg();
  const progress = new Progress(1 + scenarios.length * 0.5 + scenarios.length * LEVELS.length);
  progress.log(`bench: ${QUICK ? 'quick' : 'full'} pass, ${scenarios.length} scenarios × ${LEVELS.length} levels × ${CELL_SECONDS} s, ${cpus().length} CPUs, load average ${load0.map((l) => l.toFixed(1)).join(' ')}`);

  if (APP_MODE === 'dist') {
    progress.update('building the app (dist/, as npm start runs it)');
    buildApp();
  }
  progress.update('starting the emulator');
  const emu = await startEmulator();
  children.push(emu.child);
  const jwtSecret = randomBytes(24).toString('hex');
  progress.update(`starting the app (${APP_MODE}, NODE_ENV=production)`);
  const app = await startApp(emu.uri, { mode: APP_MODE, jwtSecret });
  children.push(app.child);
  const targets: Targets = { app: new Api(app.baseUrl) };
  // The process serving each base URL, for its CPU time per cell.
  const serverOf = new Map<string, Child>([[app.baseUrl, app.child]]);
  const started = [`app on ${app.baseUrl}`];
  if (scenarios.some((s) => s.name === 'allocate-naive')) {
    progress.update('starting the naive app (allocate-naive only)');
    const benchApp = await startApp(emu.uri, { mode: APP_MODE, jwtSecret, benchRoutes: true });
    children.push(benchApp.child);
    serverOf.set(benchApp.baseUrl, benchApp.child);
    targets.benchApp = new Api(benchApp.baseUrl);
    started.push(`naive app on ${benchApp.baseUrl}`);
  }
  if (scenarios.some((s) => s.name === 'floor')) {
    progress.update('starting the floor server');
    const floor = await startFloor(emu.uri, jwtSecret);
    children.push(floor.child);
    serverOf.set(floor.baseUrl, floor.child);
    targets.floor = { baseUrl: floor.baseUrl, itemId: floor.itemId, tenantId: floor.tenantId, jwtSecret };
    started.push(`floor on ${floor.baseUrl}`);
  }
  progress.complete(1, `${started.join(', ')}, emulator on ${emu.uri} (separate processes)`);
  const appChildren = children.filter((c) => c.name.startsWith('app'));

  const rows: Row[] = [];
  // Every set-up first, then every warm-up, then the measurements: the first measured cell
  // (get-item at 1 client) then runs on a process whose code paths, JIT and connection pools
  // are as warm as the last one's, instead of paying the app's start-up alone.
  const prepared = new Map<string, PreparedScenario>();
  const failed = new Map<string, unknown>();
  for (const scenario of scenarios) {
    const t0 = Date.now();
    progress.update(`${scenario.name}: set-up`);
    try {
      prepared.set(scenario.name, await scenario.prepare(targets, (msg) => progress.update(msg)));
      progress.complete(0.25, `${scenario.name}: set up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (error) {
      checkInterrupted();
      failed.set(scenario.name, error);
      progress.complete(0.5, `${scenario.name}: SET-UP FAILED — ${error instanceof Error ? error.message : error}`);
    }
  }
  for (const scenario of scenarios) {
    const p = prepared.get(scenario.name);
    if (!p) continue;
    progress.update(`${scenario.name}: warm-up`);
    try {
      const warm = await p.cell();
      await runLoad({ baseUrl: p.api.baseUrl, token: p.token, concurrency: WARMUP_CLIENTS, durationMs: WARMUP_SECONDS * 1000, worker: (i) => warm.worker(i) });
      progress.complete(0.25);
    } catch (error) {
      checkInterrupted();
      prepared.delete(scenario.name);
      failed.set(scenario.name, error);
      progress.complete(0.25, `${scenario.name}: WARM-UP FAILED — ${error instanceof Error ? error.message : error}`);
    }
  }

  for (const scenario of scenarios) {
    if (prepared.has(scenario.name)) continue;
    progress.complete(LEVELS.length);
    for (const c of LEVELS) rows.push(failedRow(scenario.name, c, failed.get(scenario.name)));
  }
  // Level by level: the machine is shared, and a ratio is only meaningful between cells that
  // ran under the same load, so the cells of one level run back to back.
  for (const concurrency of LEVELS) {
    for (const scenario of scenarios) {
      const ready = prepared.get(scenario.name);
      if (!ready) continue;
      checkInterrupted();
      const label = `${scenario.name} × ${concurrency}`;
      try {
        progress.update(label);
        const cell: Cell = await ready.cell();
        const server = serverOf.get(ready.api.baseUrl);
        // both sampled as the measured part starts, after the warm-up
        let cpu0 = server && cpuSeconds(server);
        let before: ReturnType<typeof scrape> | undefined;
        const load = await runLoad({
          baseUrl: ready.api.baseUrl,
          token: ready.token,
          concurrency,
          durationMs: CELL_SECONDS * 1000,
          warmupMs: CELL_WARMUP_MS,
          worker: (i) => cell.worker(i),
          onTick: (f) => progress.update(label, f),
          onMeasureStart: () => {
            cpu0 = server && cpuSeconds(server);
            if (!ready.metrics) return;
            before = scrape(ready.api);
            // awaited after the load; until then a failure must not be an unhandled rejection
            before.catch(() => undefined);
          },
        });
        const cpu1 = server && cpuSeconds(server);
        if (process.env.BENCH_TRACE) writeTrace(process.env.BENCH_TRACE, scenario.name, concurrency, load);
        const after = ready.metrics ? await scrape(ready.api) : undefined;
        progress.update(`${label}: checking`, 1);
        const outcome = await cell.check(load);
        const metricsBefore = await before;
        const retries = metricsBefore && after ? delta(metricsBefore, after, 'transactions_retried_total') : 0;
        const batches = metricsBefore && after ? delta(metricsBefore, after, 'transaction_batch_size_count') : 0;
        const inputsPerBatch = batches > 0 ? round(delta(metricsBefore!, after!, 'transaction_batch_size_sum') / batches, 1) : null;
        const r = row(scenario.name, concurrency, load, retries, inputsPerBatch, cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined, outcome);
        rows.push(r);
        progress.complete(
          1,
          `${scenario.name.padEnd(15)} ${String(concurrency).padStart(2)} clients  ${String(r.rps).padStart(7)} rps  p50 ${String(r.p50Ms).padStart(7)} ms  p99 ${String(r.p99Ms).padStart(7)} ms  server CPU ${String(r.serverCpuUsPerRequest ?? '–').padStart(5)} µs/req  retries/success ${r.retriesPerSuccess.toFixed(3)}${r.inputsPerBatch === null ? '' : `  ${r.inputsPerBatch} per batch`}  ${r.correct ? 'correct' : 'NOT correct'}${r.oversoldBy === undefined ? '' : ` (oversold by ${r.oversoldBy})`}`,
        );
      } catch (error) {
        checkInterrupted();
        rows.push(failedRow(scenario.name, concurrency, error));
        progress.complete(1, `${label}: FAILED — ${error instanceof Error ? error.message : error}`);
        const dead = [...appChildren, ...children.filter((c) => c.name === 'floor')].find((c) => c.proc.exitCode !== null);
        if (dead) throw new Error(`${dead.name} died:\n${dead.tail()}`);
      }
    }
  }
  progress.finish();
  const order = (r: Row) => scenarios.findIndex((s) => s.name === r.name) * 1000 + r.concurrency;
  rows.sort((a, b) => order(a) - order(b));

  const at = (name: string, concurrency: number) => rows.find((r) => r.name === name && r.concurrency === concurrency && r.requests > 0);
  const at64 = (name: string) => at(name, 64);
  const ratios: LevelRatios[] = LEVELS.map((c) => ({
    concurrency: c,
    getItemOverFloor: ratio(at('get-item', c), at('floor', c)),
    healthOverFloor: ratio(at('health', c), at('floor', c)),
    allocateHotOverGetItem: ratio(at('allocate-hot', c), at('get-item', c)),
    allocateSpreadOverGetItem: ratio(at('allocate-spread', c), at('get-item', c)),
    transferOverGetItem: ratio(at('transfer', c), at('get-item', c)),
    getItemCpuOverFloorCpu: cpuRatio(at('get-item', c), at('floor', c)),
    healthCpuOverFloorCpu: cpuRatio(at('health', c), at('floor', c)),
  }));
  const results: BenchResults = {
    machine: { cpus: cpus().length, node: process.version, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', platform: `${process.platform}-${process.arch}`, loadAverage: load0.map((l) => round(l, 2)), loadAverageEnd: loadavg().map((l) => round(l, 2)), app: APP_MODE === 'dist' ? 'dist/ (npm start build), NODE_ENV=production, default log level' : 'sources via @swc-node/register, NODE_ENV=production, default log level' },
    generatedAt: new Date().toISOString(),
    mode: QUICK ? 'quick' : 'full',
    cellSeconds: CELL_SECONDS,
    totalSeconds: Math.round((Date.now() - began) / 1000),
    headline: {
      getItemOverFloor64: ratio(at64('get-item'), at64('floor')),
      healthOverFloor64: ratio(at64('health'), at64('floor')),
      allocateHotOverGetItem64: ratio(at64('allocate-hot'), at64('get-item')),
      allocateHotOverNaive64: ratio(at64('allocate-hot'), at64('allocate-naive')),
      naiveOversoldBy64: at64('allocate-naive')?.oversoldBy ?? null,
    },
    ratios,
    summaries: Object.fromEntries(scenarios.map((s) => [s.name, s.summary])),
    definitions: {
      cell: `One scenario at one number of concurrent clients for ${CELL_SECONDS} s. Each client is a closed loop on its own keep-alive connection: send, wait for the whole response, send again. The last request of each client finishes after the deadline and is counted, so every request the server saw is in the numbers.`,
      rps: 'Measured responses of any HTTP status (2xx, 4xx, 5xx) per second of the cell\'s wall time. Transport errors are not responses and are listed as statuses.error. In patch-if-match only PATCHes are measured; the re-read after a 412 costs time but is not counted.',
      'p50Ms, p99Ms': 'Nearest-rank percentiles of the measured requests\' latency, from sending the request to receiving the whole body.',
      p99OverP50: 'p99Ms ÷ p50Ms of the cell: how far the slowest 1 % wait beyond the median (issue 16 asks ≤ 3 for every write cell).',
      serverCpuUsPerRequest:
        'CPU time (user + system, from /proc) the serving process (the app, or the floor server) used during the cell, divided by the measured requests, in µs. Unlike rps it hardly moves when other processes compete for the cores, so on a shared machine it is the steadier measure of the per-request cost; the emulator\'s time is not included.',
      ratios:
        'Per concurrency level, throughput ratios of cells of the same run: get-item / floor and health / floor (what the app costs against a framework-free authenticated read; target ≥ 0.5 and ≥ 1), allocate-hot, allocate-spread and transfer / get-item (what the guarded writes cost against a read); getItemCpuOverFloorCpu and healthCpuOverFloorCpu divide server CPU µs per request instead (lower is better). The cells of one level run back to back, so a ratio compares cells measured under the same machine load.',
      retriesPerSuccess: 'Δ transactions_retried_total (all transaction names, from GET /metrics, scraped before and after the cell) divided by the 2xx responses of the cell: whole-transaction re-runs after a write conflict, per successful request. 0 for routes without a transaction.',
      inputsPerBatch: 'Δ transaction_batch_size_sum ÷ Δ transaction_batch_size_count (from GET /metrics): how many callers shared one group-commit transaction on average during the cell; null when none ran. Larger batches spread a transaction\'s fixed cost over more requests.',
      correct:
        'After the cell the server agrees with the client\'s count exactly: stock moved by the number of 201s and GET /inventory/consistency is ok (allocations); every account balance equals its opening plus the 201 transfers the client saw, total money unchanged and GET /finance/reconciliation ok (transfer); the document\'s version rose by exactly the number of 200s, each from a distinct If-Match (patch-if-match); the item is unchanged (get-item).',
      oversoldBy: NAIVE_NOTE,
      machine: 'The bench client, the app and the emulator share the machine\'s cores; the load average at the start shows whether anything else was running.',
    },
    scenarios: rows,
  };

  mkdirSync(RESULTS, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const stamp = results.generatedAt.slice(0, 16).replace(':', '-');
  writeFileSync(join(RESULTS, 'latest.json'), json);
  writeFileSync(join(RESULTS, `${stamp}.dated.json`), json);
  writeFileSync(join(RESULTS, 'latest.html'), renderHtml(results));

  await cleanup();
  const h = results.headline;
  const r2 = (v: number | null) => (v === null ? '–' : `${v}×`);
  process.stdout.write(
    `\n${'clients'.padStart(7)}  get-item/floor  health/floor  allocate-hot/get-item  allocate-spread/get-item  transfer/get-item  CPU/req get-item:floor  health:floor\n` +
      ratios
        .map((r) => `${String(r.concurrency).padStart(7)}  ${r2(r.getItemOverFloor).padStart(14)}  ${r2(r.healthOverFloor).padStart(12)}  ${r2(r.allocateHotOverGetItem).padStart(21)}  ${r2(r.allocateSpreadOverGetItem).padStart(24)}  ${r2(r.transferOverGetItem).padStart(17)}  ${r2(r.getItemCpuOverFloorCpu).padStart(22)}  ${r2(r.healthCpuOverFloorCpu).padStart(12)}`)
        .join('\n') +
      `\nallocate-hot / get-item at 64 clients: ${h.allocateHotOverGetItem64 ?? '–'}×   allocate-hot / allocate-naive at 64 clients: ${h.allocateHotOverNaive64 ?? '–'}×   allocate-naive oversold by ${h.naiveOversoldBy64 ?? '–'} at 64\n` +
      `wrote bench/results/latest.json, bench/results/${stamp}.dated.json and bench/results/latest.html in ${results.totalSeconds} s\n`,
  );
  const wrong = rows.filter((r) => !r.correct && r.name !== 'allocate-naive');
  if (wrong.length) process.stdout.write(`NOT correct: ${wrong.map((r) => `${r.name}@${r.concurrency}`).join(', ')}\n`);
}

main().then(
  () => (interrupted ? undefined : process.exit(0)),
  async (error: unknown) => {
    // The signal handler is already stopping the children and will exit with 130.
    if (interrupted) return;
    process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    await cleanup();
    process.exit(1);
  },
);
