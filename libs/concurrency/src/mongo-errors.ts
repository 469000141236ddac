/**
 * Recognising MongoDB server errors by code and label, duck-typed so that it works whatever
 * copy of the driver raised them and whether mongoose wrapped them in a bulk error.
 */

/** Server error codes the toolkit reacts to. */
export const MongoErrorCode = {
  DuplicateKey: 11000,
  WriteConflict: 112,
  NoSuchTransaction: 251,
  MaxTimeMSExpired: 50,
} as const;

/**
 * Server codes that mean "this node cannot serve you right now" (the drivers' retryable-error
 * codes: shutdown, step-down, not primary, network): the database is away, not the request wrong.
 */
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/** Driver errors raised when no usable connection to the primary exists (or it broke mid-command). */
const UNAVAILABLE_NAMES = new Set([
  'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoPoolClearedError', 'PoolClearedOnNetworkError', 'MongoServerSelectionError',
  'MongooseServerSelectionError', 'MongoWaitQueueTimeoutError', 'MongoPoolClosedError', 'MongoTopologyClosedError', 'MongoNotConnectedError',
  'MongoServerClosedError',
]);

/** Socket errors the driver passes through unwrapped (e.g. a write to a socket the server just closed). */
const SOCKET_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

interface MongoLikeError {
  name?: string;
  code?: number | string;
  codeName?: string;
  errorLabels?: string[];
  errorLabelSet?: Set<string>;
  hasErrorLabel?: (label: string) => boolean;
  keyPattern?: Record<string, unknown>;
  keyValue?: Record<string, unknown>;
  errorResponse?: { keyPattern?: Record<string, unknown>; code?: number };
  writeErrors?: Array<{ code?: number; err?: { code?: number; keyPattern?: Record<string, unknown> }; errmsg?: string; keyPattern?: Record<string, unknown> }>;
  writeErrorsLength?: number;
  message?: string;
  cause?: unknown;
}

function asMongo(err: unknown): MongoLikeError | undefined {
  return err !== null && typeof err === 'object' ? (err as MongoLikeError) : undefined;
}

/** True when the error carries the given driver/server error label. */
export function hasErrorLabel(err: unknown, label: string): boolean {
  const e = asMongo(err);
  if (!e) return false;
  if (typeof e.hasErrorLabel === 'function') return e.hasErrorLabel(label);
  if (e.errorLabelSet instanceof Set) return e.errorLabelSet.has(label);
  return Array.isArray(e.errorLabels) && e.errorLabels.includes(label);
}

/** Whole-transaction retryable: labelled TransientTransactionError (WriteConflict, NoSuchTransaction, network). */
export function isTransientTransactionError(err: unknown): boolean {
  return hasErrorLabel(err, 'TransientTransactionError');
}

/** Commit outcome unknown: retry only the commit. */
export function isUnknownCommitResult(err: unknown): boolean {
  const e = asMongo(err);
  return hasErrorLabel(err, 'UnknownTransactionCommitResult') && e?.code !== MongoErrorCode.MaxTimeMSExpired;
}

/**
 * The database could not be reached or could not serve (network error, cleared pool, no
 * primary selectable, node shutting down or stepping down). Inside a transaction the drivers'
 * spec makes these whole-transaction retryable (the driver labels most of them
 * TransientTransactionError, but not a cleared pool's checkout failure nor an error on a
 * connection that was already stale); when retries are exhausted they become 503.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = asMongo(err), depth = 0; e && depth < 3; e = asMongo(wrapped(e)), depth++) {
    if (typeof e.name === 'string' && UNAVAILABLE_NAMES.has(e.name)) return true;
    if (typeof e.code === 'number' && UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.code === 'string' && SOCKET_CODES.has(e.code)) return true;
  }
  return false;
}

/**
 * The error this one wraps: its `cause`, or for a MongoBulkWriteError (insertMany, bulkWrite)
 * the driver error it was built from, which it keeps as `errorResponse` — a cleared pool or a
 * closed connection reaches an insertMany caller only that way.
 */
function wrapped(e: MongoLikeError): unknown {
  if (e.cause !== undefined) return e.cause;
  return e.name === 'MongoBulkWriteError' && e.errorResponse instanceof Error ? e.errorResponse : undefined;
}

/** No server could be selected: the driver already waited serverSelectionTimeoutMS, so an immediate retry would only wait again. */
export function isServerSelectionError(err: unknown): boolean {
  const name = asMongo(err)?.name;
  return name === 'MongoServerSelectionError' || name === 'MongooseServerSelectionError';
}

/**
 * The server gave up waiting within the operation's maxTimeMS (or a commit's maxCommitTimeMS):
 * typically a lock held by a transaction that will not end soon (a crashed instance's, until the
 * server's transactionLifetimeLimitSeconds). Answered 503 like an unreachable database.
 */
export function isMaxTimeExpired(err: unknown): boolean {
  const e = asMongo(err);
  return e?.code === MongoErrorCode.MaxTimeMSExpired || e?.codeName === 'MaxTimeMSExpired';
}

/** A write conflict that escaped every retry (maps to 409 `contention`). */
export function isWriteConflict(err: unknown): boolean {
  const e = asMongo(err);
  return isTransientTransactionError(err) || e?.code === MongoErrorCode.WriteConflict || e?.codeName === 'WriteConflict';
}

/** The first duplicate-key write error inside the error (top level or a bulk `writeErrors[]`). */
function duplicateOf(err: unknown): MongoLikeError | undefined {
  const e = asMongo(err);
  if (!e) return undefined;
  if (e.code === MongoErrorCode.DuplicateKey || e.errorResponse?.code === MongoErrorCode.DuplicateKey) return e;
  const we = e.writeErrors?.find((w) => (w.code ?? w.err?.code) === MongoErrorCode.DuplicateKey);
  if (we) return { ...we, keyPattern: we.keyPattern ?? we.err?.keyPattern, message: we.errmsg };
  return undefined;
}

/** True for an E11000 duplicate-key error (single or bulk). */
export function isDuplicateKeyError(err: unknown): boolean {
  return duplicateOf(err) !== undefined;
}

/**
 * The field names of the unique index that said no, from `keyPattern` (never the index
 * name or the offending values, which may be another tenant's data). Falls back to parsing
 * `dup key: { a: …, b: … }` from the message when a server omits keyPattern.
 */
export function duplicateKeyFields(err: unknown): string[] {
  const dup = duplicateOf(err);
  if (!dup) return [];
  const pattern = dup.keyPattern ?? dup.errorResponse?.keyPattern;
  if (pattern && Object.keys(pattern).length > 0) return Object.keys(pattern);
  const m = /dup key: \{(.*)\}/.exec(dup.message ?? '');
  if (!m) return [];
  return [...m[1].matchAll(/(?:^|,)\s*"?([\w.$]+)"?\s*:/g)].map((x) => x[1]).filter((f) => f.length > 0);
}
