// Plans and executes the cases of a unified-format test file: per case, initial data,
// entities, operations, then events and outcome, then clean-up (fail points off, entities
// closed, sessions killed).
import { readFileSync } from 'node:fs';

import { EJSON } from 'bson';
import type { MongoClient, MongoClientOptions } from 'mongodb';

import { EntityMap } from './entities';
import { assertEventsForClient } from './events';
import { describeError } from './expect-error';
import { assertMatch, MatchError } from './matcher';
import { isSupportedOperation, type OperationContext, runOperation } from './operations';
import { compareVersions, type ServerInfo, unmetRequirements } from './requirements';
import { findSkip } from './skips';
import type { CaseResult, CollectionData, Doc, Operation, TestCase, TestFile } from './types';

/** Highest schema version whose features this runner implements (1.x is backwards compatible). */
export const SUPPORTED_SCHEMA = '1.21';

export interface RunnerEnv {
  uri: string;
  internalClient: MongoClient;
  server: ServerInfo;
  /** driver options for client entities (speed-ups the spec permits) */
  clientDefaults: MongoClientOptions;
  /** a test taking longer than this fails, so one hang cannot stall the whole run */
  testTimeoutMS: number;
}

export function loadTestFile(path: string): TestFile {
  // Relaxed parse: numbers become JS numbers as the driver would return them, while
  // $oid/$binary/$date/$timestamp (and out-of-range $numberLong) keep their BSON types.
  return EJSON.parse(readFileSync(path, 'utf8'), { relaxed: true }) as unknown as TestFile;
}

export function isUnifiedFormat(doc: unknown): doc is TestFile {
  return !!doc && typeof doc === 'object' && typeof (doc as TestFile).schemaVersion === 'string' && Array.isArray((doc as TestFile).tests);
}

function schemaSupported(version: string): boolean {
  return version.split('.')[0] === '1' && compareVersions(version, SUPPORTED_SCHEMA) <= 0;
}

function allOperations(ops: Operation[]): Operation[] {
  return ops.flatMap((op) => [op, ...allOperations(((op.arguments?.callback as Operation[] | undefined) ?? []) as Operation[])]);
}

function oneLine(s: string, max = 240): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/**
 * What to do with one case before running it: run it, fail it at once, skip it (a reason in
 * skips.ts or the file), or leave it out as not applicable (its runOnRequirements name another
 * server version or topology: a real server of this version would not run it either).
 */
export type CasePlan = { action: 'run' } | { action: 'skip' | 'notApplicable' | 'fail'; reason: string };

export function planCase(relPath: string, file: TestFile, test: TestCase, server: ServerInfo): CasePlan {
  const skip = findSkip(relPath, test.description);
  if (skip) return { action: 'skip', reason: skip.reason };
  if (test.skipReason) return { action: 'skip', reason: `skipReason in file: ${oneLine(test.skipReason)}` };
  const fileUnmet = unmetRequirements(file.runOnRequirements, server);
  if (fileUnmet) return { action: 'notApplicable', reason: `runOnRequirements (file): ${fileUnmet}` };
  const testUnmet = unmetRequirements(test.runOnRequirements, server);
  if (testUnmet) return { action: 'notApplicable', reason: `runOnRequirements: ${testUnmet}` };
  if (!schemaSupported(file.schemaVersion)) {
    return { action: 'fail', reason: `schemaVersion ${file.schemaVersion} is newer than the runner supports (${SUPPORTED_SCHEMA})` };
  }
  const unsupported = allOperations(test.operations).find((op) => !isSupportedOperation(op));
  if (unsupported) return { action: 'fail', reason: `runner does not implement operation ${unsupported.name} on ${unsupported.object}` };
  return { action: 'run' };
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runCase(file: TestFile, test: TestCase, env: RunnerEnv): Promise<CaseResult> {
  const ctx: OperationContext = {
    entities: new EntityMap({ uri: env.uri, clientDefaults: env.clientDefaults }),
    internalClient: env.internalClient,
    failPoints: [],
    usedTransactions: false,
  };
  let failure: { reason: string; detail: string } | undefined;
  let step = 'initialData';
  try {
    await withTimeout(
      (async () => {
        await setUpInitialData(env.internalClient, file.initialData ?? []);
        step = 'createEntities';
        await ctx.entities.create(file.createEntities ?? []);
        for (const [i, op] of test.operations.entries()) {
          step = `operation ${i} (${op.name} on ${op.object})`;
          await runOperation(op, ctx);
        }
        for (const c of ctx.entities.clients()) c.stopListening();
        step = 'disabling fail points';
        await disableFailPoints(ctx);
        for (const [i, spec] of (test.expectEvents ?? []).entries()) {
          step = `expectEvents[${i}]`;
          assertEventsForClient(spec, ctx.entities.clientEntity(spec.client).events, ctx.entities);
        }
        for (const [i, data] of (test.outcome ?? []).entries()) {
          step = `outcome[${i}] ${data.databaseName}.${data.collectionName}`;
          await assertOutcome(env.internalClient, data);
        }
      })(),
      env.testTimeoutMS,
      'test',
    );
  } catch (e) {
    const why = e instanceof MatchError ? e.message : describeError(e);
    failure = { reason: oneLine(`${step}: ${why}`), detail: `${step}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` };
  } finally {
    for (const c of ctx.entities.clients()) c.stopListening();
    await disableFailPoints(ctx).catch(() => undefined);
    await withTimeout(ctx.entities.close(), 10_000, 'closing entities').catch(() => undefined);
    if (ctx.usedTransactions || failure) await killAllSessions(env.internalClient);
  }
  return failure ? { description: test.description, status: 'failed', ...failure } : { description: test.description, status: 'passed' };
}

const majority = { writeConcern: { w: 'majority' as const } };

async function setUpInitialData(client: MongoClient, data: CollectionData[]): Promise<void> {
  for (const d of data) {
    const db = client.db(d.databaseName);
    await db.collection(d.collectionName).drop(majority).catch((e: { code?: number }) => {
      if (e.code !== 26) throw e; // NamespaceNotFound: nothing to drop
    });
    if (d.createOptions) await db.createCollection(d.collectionName, { ...d.createOptions, ...majority });
    if (d.documents.length > 0) await db.collection(d.collectionName).insertMany(d.documents as Doc[], majority);
    else if (!d.createOptions) await db.createCollection(d.collectionName, majority);
  }
}

async function assertOutcome(client: MongoClient, data: CollectionData): Promise<void> {
  const coll = client.db(data.databaseName).collection(data.collectionName, { readConcern: { level: 'local' }, readPreference: 'primary' });
  const actual = await coll.find({}).sort({ _id: 1 }).toArray();
  assertMatch(data.documents, actual, { exact: true });
}

async function disableFailPoints(ctx: OperationContext): Promise<void> {
  const pending = ctx.failPoints.splice(0);
  for (const fp of pending) {
    // Through the internal client: the entity client may already be unusable (closed connection).
    await ctx.internalClient.db('admin').command({ configureFailPoint: fp.name, mode: 'off' });
  }
}

/** Terminating Open Transactions: the emulator may not know the command; that is fine. */
export async function killAllSessions(client: MongoClient): Promise<void> {
  try {
    await client.db('admin').command({ killAllSessions: [] });
  } catch {
    // Interrupted, Unauthorized and CommandNotFound are all tolerated by the spec.
  }
}
