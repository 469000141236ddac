// MongoDB's unified-format specification tests, one Jest test per case, against the
// deployment started by global-setup.ts (the in-process emulator unless MONGODB_URI is set).
//
//   npm run test:conformance
//   CONFORMANCE_FILTER=transactions/ npm run test:conformance      (files whose path contains it)
//   npm run test:conformance -- -t 'withTransaction'                (cases by name)
//
// A missing spec folder is reported as a skipped test, never as a pass; with MONGO_SPEC_DIR
// set explicitly (as .ci/run does) it fails instead, and so does a run in which no case ran.
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { EJSON } from 'bson';
import { MongoClient } from 'mongodb';

import type { ServerInfo } from './requirements';
import { isUnifiedFormat, killAllSessions, loadTestFile, planCase, runCase, type RunnerEnv } from './runner';
import { findSpecDir, listSpecFiles, specDirPath } from './spec-dir';
import type { TestFile } from './types';

/** Suites whose every non-skipped case must pass. */
const strictSuites = ['transactions/', 'transactions-convenient-api/', 'retryable-writes/'];
const targets = { maxSkippedShare: 0.05, minPassedShare: 0.98 };

const specDir = findSpecDir();
const required = !!process.env.MONGO_SPEC_DIR;

if (!specDir) {
  const message = `No MongoDB spec test folder at ${specDirPath()}: the files are not vendored (their licence forbids it); set MONGO_SPEC_DIR. Nothing was run.`;
  process.stderr.write(`\n${'!'.repeat(100)}\n${message}\n${'!'.repeat(100)}\n\n`);
  describe('MongoDB specification tests', () => {
    if (required) {
      it('finds the spec folder named by MONGO_SPEC_DIR', () => {
        throw new Error(message);
      });
    } else {
      it.skip(`need the spec folder (${message})`, () => undefined);
    }
  });
} else {
  const server = EJSON.parse(process.env.CONFORMANCE_SERVER ?? 'null') as ServerInfo | null;
  if (!server) throw new Error('CONFORMANCE_SERVER is not set: run this tier through `npm run test:conformance` (jest --selectProjects conformance).');
  const filter = process.env.CONFORMANCE_FILTER;
  const files = listSpecFiles(specDir).filter((f) => !filter || f.rel.includes(filter));
  const counts = { passed: 0, failed: 0, skipped: 0, strictFailures: 0 };
  const notApplicable = new Map<string, number>();
  let env: RunnerEnv;

  const na = [...notApplicable.values()].reduce((a, b) => a + b, 0);
  if (na) {
    const reasons = [...notApplicable].map(([reason, n]) => `  ${n} × ${reason}`).join('\n');
    process.stderr.write(`conformance: ${na} case(s) not applicable to this server (not run, not counted):\n${reasons}\n`);
  }

  beforeAll(async () => {
    const uri = process.env.CONFORMANCE_URI!;
    const internalClient = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
    await internalClient.connect();
    await killAllSessions(internalClient);
    env = {
      uri,
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
  });

  afterAll(async () => {
    await env?.internalClient.close().catch(() => undefined);
    const ran = counts.passed + counts.failed;
    const all = ran + counts.skipped;
    const missed: string[] = [];
    if (ran === 0) missed.push('no case ran');
    if (all > 0 && counts.skipped / all > targets.maxSkippedShare) missed.push(`skips are ${((100 * counts.skipped) / all).toFixed(1)} % of the applicable cases (target ≤ ${100 * targets.maxSkippedShare} %)`);
    if (ran > 0 && counts.passed / ran < targets.minPassedShare) missed.push(`only ${((100 * counts.passed) / ran).toFixed(1)} % of the cases run passed (target ${100 * targets.minPassedShare} %)`);
    if (counts.strictFailures) missed.push(`${counts.strictFailures} failure(s) in ${strictSuites.join(', ')} (target 0)`);
    if (missed.length && !filter) throw new Error(`conformance targets missed: ${missed.join('; ')}`);
  });

  for (const f of files) {
    let doc: unknown;
    try {
      doc = loadTestFile(f.abs);
    } catch (e) {
      it(`${f.rel} parses`, () => {
        counts.failed++;
        throw e;
      });
      continue;
    }
    if (!isUnifiedFormat(doc)) continue; // not a unified-format file: not ours to run
    const file: TestFile = doc;
    const strict = strictSuites.some((s) => `/${f.rel}`.includes(`/${s}`));
    describe(f.rel, () => {
      for (const test of file.tests) {
        const plan = planCase(f.rel, file, test, server);
        if (plan.action === 'notApplicable') {
          notApplicable.set(plan.reason, (notApplicable.get(plan.reason) ?? 0) + 1);
          continue;
        }
        if (plan.action === 'skip') {
          counts.skipped++;
          it.skip(`${test.description} — ${plan.reason}`, () => undefined);
          continue;
        }
        it(test.description, async () => {
          const result = plan.action === 'fail' ? { status: 'failed', reason: plan.reason, detail: plan.reason } : await runCase(file, test, env);
          if (result.status === 'passed') {
            counts.passed++;
            return;
          }
          counts.failed++;
          if (strict) counts.strictFailures++;
          throw new Error(result.detail ?? result.reason);
        });
      }
    });
  }
}
