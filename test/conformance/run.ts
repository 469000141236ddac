// MongoDB unified-test-format conformance runner.
//
//   npm run test:conformance
//
// Runs every unified-format JSON file under MONGO_SPEC_DIR (default ../shared/mongo-spec
// beside the repository) against MONGODB_URI, or against an in-process emulator when no URI
// is given. The spec files are licensed non-commercial and are read from outside the
// repository at run time; they must never be copied into it.
//
// Environment: MONGO_SPEC_DIR, MONGODB_URI, CONFORMANCE_FILTER (substring of the file path),
// CONFORMANCE_VERBOSE=1 (full failure details and skip reasons).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

import { MongoClient } from 'mongodb';

import { describeServer } from './requirements';
import { isUnifiedFormat, killAllSessions, loadTestFile, runFile, type RunnerEnv } from './runner';
import type { FileResult } from './types';

const repoRoot = resolve(__dirname, '..', '..');

/** Suites whose every non-skipped case must pass (the issue's hard target). */
const strictSuites = ['transactions/', 'transactions-convenient-api/', 'retryable-writes/'];

function findSpecDir(): string | undefined {
  const configured = process.env.MONGO_SPEC_DIR;
  const dir = configured ? resolve(configured) : resolve(repoRoot, '..', 'shared', 'mongo-spec');
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : undefined;
}

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listJson(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

function summaryLine(passed: number, failed: number, skipped: number): string {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}

function printFile(r: FileResult, verbose: boolean): void {
  const run = r.cases.filter((c) => c.status === 'passed' || c.status === 'failed');
  const passed = run.filter((c) => c.status === 'passed').length;
  const skipped = r.cases.filter((c) => c.status === 'skipped').length;
  const notApplicable = r.cases.filter((c) => c.status === 'notApplicable').length;
  const status = run.length === 0 ? 'SKIP' : passed === run.length ? 'PASS' : 'FAIL';
  const notes = [skipped ? `${skipped} skipped` : '', notApplicable ? `${notApplicable} not applicable` : ''].filter(Boolean).join(', ');
  console.log(`${status} ${r.file} ${passed}/${run.length}${notes ? ` (${notes})` : ''}`);
  for (const c of r.cases) {
    if (c.status === 'failed') {
      console.log(`    ✗ ${c.description} — ${c.reason ?? 'failed'}`);
      if (verbose && c.detail) console.log(c.detail.replace(/^/gm, '        '));
    } else if ((c.status === 'skipped' || c.status === 'notApplicable') && verbose) {
      console.log(`    - ${c.description} — ${c.status === 'skipped' ? 'skipped' : 'not applicable'}: ${c.reason ?? ''}`);
    }
  }
}

interface Deployment {
  uri: string;
  stop(): Promise<void>;
}

async function startDeployment(): Promise<Deployment> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, stop: async () => undefined };
  // Loaded lazily so a run against a real deployment does not need the emulator.
  const { MongoEmulator } = await import('@app/mongo-emulator');
  // One secondary, so tests whose clients read from secondaries can select a server.
  const emu = await MongoEmulator.start({ secondaries: 1 });
  return { uri: emu.uri, stop: () => emu.stop() };
}

async function main(): Promise<number> {
  const verbose = process.env.CONFORMANCE_VERBOSE === '1';
  const specDir = findSpecDir();
  if (!specDir) {
    const where = process.env.MONGO_SPEC_DIR ?? resolve(repoRoot, '..', 'shared', 'mongo-spec');
    console.log(`No MongoDB spec test folder found at ${where} (set MONGO_SPEC_DIR); the files are not vendored (their license forbids it), so nothing was run.`);
    console.log(summaryLine(0, 0, 0));
    return 0;
  }
  const filter = process.env.CONFORMANCE_FILTER;
  const files = listJson(specDir)
    .map((p) => ({ abs: p, rel: relative(specDir, p).split('\\').join('/') }))
    .filter((f) => !filter || f.rel.includes(filter));

  const started = Date.now();
  const deployment = await startDeployment();
  const internalClient = new MongoClient(deployment.uri, { serverSelectionTimeoutMS: 10_000 });
  const results: FileResult[] = [];
  try {
    await internalClient.connect();
    const server = await describeServer(internalClient, deployment.uri);
    console.log(`conformance: ${files.length} file(s) from ${specDir} against ${process.env.MONGODB_URI ? 'MONGODB_URI' : 'the in-process emulator'} (server ${server.version}, ${server.topology})`);
    await killAllSessions(internalClient);
    const env: RunnerEnv = {
      uri: deployment.uri,
      internalClient,
      server,
      clientDefaults: {
        // Permitted by the spec for fail-point tests: recover from closed connections quickly.
        heartbeatFrequencyMS: 500,
        minHeartbeatFrequencyMS: 50,
        serverSelectionTimeoutMS: 10_000,
      } as RunnerEnv['clientDefaults'],
      testTimeoutMS: Number(process.env.CONFORMANCE_TEST_TIMEOUT_MS ?? 20_000),
    };
    for (const f of files) {
      let doc: unknown;
      try {
        doc = loadTestFile(f.abs);
      } catch (e) {
        console.log(`FAIL ${f.rel} — cannot parse: ${(e as Error).message}`);
        results.push({ file: f.rel, cases: [{ description: '(file)', status: 'failed', reason: 'unparseable JSON' }] });
        continue;
      }
      if (!isUnifiedFormat(doc)) {
        console.log(`---- ${f.rel} is not a unified-format test file; ignored`);
        continue;
      }
      const r = await runFile(f.rel, doc, env);
      results.push(r);
      printFile(r, verbose);
    }
  } finally {
    await internalClient.close().catch(() => undefined);
    await deployment.stop().catch(() => undefined);
  }

  const all = results.flatMap((r) => r.cases.map((c) => ({ ...c, file: r.file })));
  const passed = all.filter((c) => c.status === 'passed').length;
  const failed = all.filter((c) => c.status === 'failed').length;
  const skipped = all.filter((c) => c.status === 'skipped').length;
  const notApplicable = all.filter((c) => c.status === 'notApplicable');

  const skipReasons = new Map<string, number>();
  for (const c of all) if (c.status === 'skipped') skipReasons.set(c.reason ?? '', (skipReasons.get(c.reason ?? '') ?? 0) + 1);
  if (skipReasons.size) {
    console.log('skipped cases by reason:');
    for (const [reason, n] of skipReasons) console.log(`    ${n} × ${reason}`);
  }

  if (notApplicable.length) {
    const byReason = new Map<string, number>();
    for (const c of notApplicable) byReason.set(c.reason ?? '', (byReason.get(c.reason ?? '') ?? 0) + 1);
    console.log(`not applicable to this server (not run, not counted): ${notApplicable.length}`);
    for (const [reason, n] of byReason) console.log(`    ${n} × ${reason}`);
  }

  const missed: string[] = [];
  const applicable = passed + failed + skipped;
  if (applicable > 0 && skipped / applicable > 0.05) missed.push(`skips are ${((100 * skipped) / applicable).toFixed(1)} % of applicable cases (target ≤ 5 %)`);
  const ran = passed + failed;
  if (ran > 0 && passed / ran < 0.98) missed.push(`only ${((100 * passed) / ran).toFixed(1)} % of the cases run passed (target 98 %)`);
  const strictFailures = all.filter((c) => c.status === 'failed' && strictSuites.some((s) => `/${resolve(specDir, c.file)}`.includes(`/${s}`)));
  if (strictFailures.length) missed.push(`${strictFailures.length} failure(s) in transactions / transactions-convenient-api / retryable-writes (target 0)`);
  for (const m of missed) console.log(`TARGET MISSED: ${m}`);
  console.log(`conformance finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(summaryLine(passed, failed, skipped));
  return missed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    console.log(summaryLine(0, 1, 0));
    process.exit(1);
  },
);
