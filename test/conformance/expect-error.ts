// expectError assertions against the Node driver's error classes.
import { assertMatch, type EntityLookup, MatchError } from './matcher';
import { bulkWriteResultToDoc, clientBulkWriteResultToDoc } from './results';
import type { Doc, ExpectedError } from './types';

type AnyError = Error & Doc;

/** Errors whose content comes from a server reply (as opposed to driver-side validation or the network). */
const serverErrorNames = new Set([
  'MongoServerError',
  'MongoBulkWriteError',
  'MongoWriteConcernError',
  'MongoClientBulkWriteError',
]);

export function isServerError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // Walk the prototype chain by name: subclasses (e.g. MongoBulkWriteError) count as server errors.
  for (let p: object | null = err; p; p = Object.getPrototypeOf(p)) {
    const n = (p as { constructor?: { name?: string } }).constructor?.name;
    if (n && serverErrorNames.has(n)) return true;
  }
  return false;
}

function isTimeout(err: AnyError): boolean {
  for (let p: object | null = err; p; p = Object.getPrototypeOf(p)) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === 'MongoOperationTimeoutError') return true;
  }
  return false;
}

function writeErrorsOf(err: AnyError): Doc[] {
  const w = err.writeErrors;
  if (Array.isArray(w)) return w as Doc[];
  if (w instanceof Map) return [...w.values()] as Doc[];
  return [];
}

function writeConcernErrorOf(err: AnyError): Doc | undefined {
  const res = err.result as Doc | undefined;
  const fromResult = res && typeof res === 'object' ? ((res.writeConcernError ?? (res as { getWriteConcernError?: () => Doc }).getWriteConcernError?.()) as Doc | undefined) : undefined;
  return fromResult ?? (err.writeConcernError as Doc | undefined);
}

/** The raw server reply behind an error, when the driver kept one. */
export function errorResponseOf(err: AnyError): Doc | undefined {
  let r = err.errorResponse as Doc | undefined;
  // MongoBulkWriteError wraps the MongoServerError of a failed command; unwrap to its reply.
  for (let i = 0; i < 3 && r instanceof Error && (r as AnyError).errorResponse; i++) r = (r as AnyError).errorResponse as Doc;
  return r;
}

function codeOf(err: AnyError): unknown {
  if (err.code !== undefined) return err.code;
  const we = writeErrorsOf(err)[0];
  if (we?.code !== undefined) return we.code;
  return writeConcernErrorOf(err)?.code ?? errorResponseOf(err)?.code;
}

function codeNameOf(err: AnyError): unknown {
  return err.codeName ?? errorResponseOf(err)?.codeName ?? writeConcernErrorOf(err)?.codeName ?? writeErrorsOf(err)[0]?.codeName;
}

function labelsOf(err: AnyError): string[] {
  const fromSet = (err as { errorLabels?: unknown }).errorLabels;
  return Array.isArray(fromSet) ? (fromSet as string[]) : [];
}

function hasLabel(err: AnyError, label: string): boolean {
  const fn = (err as { hasErrorLabel?: (l: string) => boolean }).hasErrorLabel;
  return typeof fn === 'function' ? fn.call(err, label) : labelsOf(err).includes(label);
}

/** Everything an error says, for errorContains (bulk errors spread their messages over write errors). */
function messagesOf(err: AnyError): string {
  const parts = [err.message];
  for (const we of writeErrorsOf(err)) parts.push(String(we.errmsg ?? we.message ?? ''));
  const wce = writeConcernErrorOf(err);
  if (wce) parts.push(String(wce.errmsg ?? ''));
  const resp = errorResponseOf(err);
  if (resp && typeof resp.errmsg === 'string') parts.push(resp.errmsg);
  return parts.join('\n');
}

/** The partial result carried by a bulk error, in spec shape. */
function errorResultOf(err: AnyError): unknown {
  if (err.partialResult && typeof err.partialResult === 'object') return clientBulkWriteResultToDoc(err.partialResult as Doc);
  const r = err.result as Doc | undefined;
  if (r && typeof r === 'object' && 'insertedCount' in r) return bulkWriteResultToDoc(r as unknown as Parameters<typeof bulkWriteResultToDoc>[0]);
  return undefined;
}

export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as AnyError;
  const bits = [`${e.constructor?.name ?? 'Error'}: ${e.message}`];
  if (e.code !== undefined) bits.push(`code=${String(e.code)}`);
  if (e.codeName !== undefined) bits.push(`codeName=${String(e.codeName)}`);
  const labels = labelsOf(e);
  if (labels.length) bits.push(`labels=[${labels.join(',')}]`);
  return bits.join(' ');
}

export interface ExpectErrorContext {
  entities?: EntityLookup;
}

/** Throws MatchError describing the first unmet assertion. */
export function checkExpectedError(expected: ExpectedError, error: unknown, ctx: ExpectErrorContext): void {
  const fail = (why: string): never => {
    throw new MatchError('expectError', `${why} (error was ${describeError(error)})`);
  };
  if (!(error instanceof Error)) fail('expected an error');
  const err = error as AnyError;
  const server = isServerError(err);

  if (expected.isClientError !== undefined && expected.isClientError === server) {
    fail(expected.isClientError ? 'expected a client-side error, got a server error' : 'expected a server error, got a client-side error');
  }
  if (expected.isTimeoutError !== undefined && expected.isTimeoutError !== isTimeout(err)) {
    fail(expected.isTimeoutError ? 'expected a timeout error' : 'expected an error that is not a timeout');
  }
  if (expected.errorContains !== undefined && !messagesOf(err).toLowerCase().includes(expected.errorContains.toLowerCase())) {
    fail(`expected the message to contain "${expected.errorContains}"`);
  }
  if (expected.errorCode !== undefined) {
    if (!server) fail(`expected server error code ${expected.errorCode}, got a client-side error`);
    if (Number(codeOf(err)) !== expected.errorCode) fail(`expected code ${expected.errorCode}, got ${String(codeOf(err))}`);
  }
  if (expected.errorCodeName !== undefined) {
    const name = codeNameOf(err);
    if (typeof name !== 'string' || name.toLowerCase() !== expected.errorCodeName.toLowerCase()) {
      fail(`expected codeName ${expected.errorCodeName}, got ${String(name)}`);
    }
  }
  for (const label of expected.errorLabelsContain ?? []) {
    if (!hasLabel(err, label)) fail(`expected error label ${label}`);
  }
  for (const label of expected.errorLabelsOmit ?? []) {
    if (hasLabel(err, label)) fail(`expected no error label ${label}`);
  }
  if (expected.errorResponse !== undefined) {
    const resp = errorResponseOf(err);
    if (!resp) fail('expected a server response on the error');
    try {
      assertMatch(expected.errorResponse, resp, { root: true, entities: ctx.entities });
    } catch (e) {
      if (e instanceof MatchError) fail(`errorResponse ${e.message}`);
      throw e;
    }
  }
  if (expected.expectResult !== undefined) {
    try {
      assertMatch(expected.expectResult, errorResultOf(err), { root: true, entities: ctx.entities });
    } catch (e) {
      if (e instanceof MatchError) fail(`error result ${e.message}`);
      throw e;
    }
  }
  if (expected.writeErrors !== undefined) {
    const actual = err.writeErrors instanceof Map ? (Object.fromEntries(err.writeErrors) as Doc) : undefined;
    if (!actual) fail('expected writeErrors on the error');
    const keys = Object.keys(actual as Doc);
    const want = Object.keys(expected.writeErrors);
    if (keys.length !== want.length || want.some((k) => !keys.includes(k))) fail(`expected write errors at ${want.join(',')}, got ${keys.join(',')}`);
    for (const k of want) assertMatch(expected.writeErrors[k], (actual as Doc)[k], { root: true, entities: ctx.entities });
  }
  if (expected.writeConcernErrors !== undefined) {
    assertMatch(expected.writeConcernErrors, err.writeConcernErrors, { rootElements: true, entities: ctx.entities });
  }
}
