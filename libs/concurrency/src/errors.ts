/**
 * Typed errors. Every error the application raises on purpose extends {@link AppError};
 * the single global {@link ProblemDetailsFilter} turns it into an RFC 9457 Problem Details
 * response. Modules add their own subclasses (e.g. `InsufficientStockError`) next to their
 * code; nothing else needs to know about HTTP.
 */

/** A field-level validation problem, as listed in Problem Details `errors[]`. */
export interface FieldError {
  /** Dotted path of the offending field, e.g. `lines.0.quantity`. */
  field: string;
  /** What is wrong with it, for a human. */
  message: string;
}

/** Constructor options shared by every {@link AppError}. */
export interface AppErrorOptions {
  /** Human-readable explanation specific to this occurrence. */
  detail?: string;
  /** Extra members for the Problem Details body (e.g. `{ currentVersion: 3 }`). */
  extensions?: Record<string, unknown>;
  /** Response headers to set (e.g. `{ 'retry-after': '1' }`). */
  headers?: Record<string, string>;
  /** The underlying error, kept for logs only, never sent to the client. */
  cause?: unknown;
}

/**
 * Base class of all intentional errors. `status` is the HTTP status, `code` a stable
 * machine-readable identifier (also the last segment of the Problem Details `type`).
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  abstract readonly title: string;
  readonly detail?: string;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(options: AppErrorOptions = {}) {
    super(options.detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.detail = options.detail;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

/** 400 `validation-failed`: the request body, query or path is invalid. */
export class ValidationFailedError extends AppError {
  readonly status = 400;
  readonly code = 'validation-failed';
  readonly title = 'Validation failed';
  constructor(errors: FieldError[], detail = 'The request is invalid; see errors[].') {
    super({ detail, extensions: { errors } });
  }
}

/** 400 `invalid-key`: a key starting with `$` or containing `.` (operator injection). */
export class InvalidKeyError extends AppError {
  readonly status = 400;
  readonly code = 'invalid-key';
  readonly title = 'Invalid key';
  constructor(path: string) {
    super({
      detail: `Keys may not start with "$" or contain "." (found "${path}").`,
      extensions: { errors: [{ field: path, message: 'forbidden key' }] },
    });
  }
}

/** 400 `invalid-id`: a path id that is not a valid ObjectId. */
export class InvalidIdError extends AppError {
  readonly status = 400;
  readonly code = 'invalid-id';
  readonly title = 'Invalid id';
  constructor(param: string, value: string) {
    super({
      detail: `"${value}" is not a valid id.`,
      extensions: { errors: [{ field: param, message: 'must be a 24-character hex id' }] },
    });
  }
}

/** 401 `unauthenticated`. */
export class UnauthenticatedError extends AppError {
  readonly status = 401;
  readonly code = 'unauthenticated';
  readonly title = 'Unauthenticated';
  constructor(detail = 'A valid bearer token is required.') {
    super({ detail, headers: { 'www-authenticate': 'Bearer' } });
  }
}

/** 403 `forbidden`: authenticated, but the role does not allow this. */
export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
  readonly title = 'Forbidden';
  constructor(detail = 'Your role does not allow this operation.') {
    super({ detail });
  }
}

/** 404 `not-found`. Also what another tenant's resource looks like. */
export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not-found';
  readonly title = 'Not found';
  constructor(resource = 'Resource', detail?: string) {
    super({ detail: detail ?? `${resource} not found.` });
  }
}

/** 409 `invalid-state`: a guarded transition lost, or the resource is not in a state that allows it. */
export class InvalidStateError extends AppError {
  readonly status = 409;
  readonly code = 'invalid-state';
  readonly title = 'Invalid state';
  constructor(options: { currentState?: unknown; detail?: string; extensions?: Record<string, unknown> } = {}) {
    super({
      detail: options.detail ?? `The resource is in state "${String(options.currentState)}", which does not allow this.`,
      extensions: { ...(options.currentState === undefined ? {} : { currentState: options.currentState }), ...options.extensions },
    });
  }
}

/** 409 `duplicate`: a unique constraint said no. Names the conflicting field(s). */
export class DuplicateError extends AppError {
  readonly status = 409;
  readonly code = 'duplicate';
  readonly title = 'Duplicate';
  constructor(options: { fields: string[]; detail?: string; extensions?: Record<string, unknown> }) {
    super({
      detail: options.detail ?? `A resource with the same ${options.fields.join(', ')} already exists.`,
      extensions: { fields: options.fields, ...options.extensions },
    });
  }
}

/** 409 `contention`: retries were exhausted under write conflicts; try again. */
export class ContentionError extends AppError {
  readonly status = 409;
  readonly code = 'contention';
  readonly title = 'Contention';
  constructor(options: { detail?: string; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super({
      detail: options.detail ?? 'Too many concurrent changes to the same data; retry the request.',
      headers: { 'retry-after': String(options.retryAfterSeconds ?? 1) },
      cause: options.cause,
    });
  }
}

/**
 * 503 `database-unavailable`: the database could not be reached or could not serve, and the
 * retries the drivers' specs allow were spent. Nothing is known to have changed; the client
 * retries after `Retry-After`. Unlike other 5xx its code and detail reach the client, since
 * they say what to do and reveal nothing internal.
 */
export class DatabaseUnavailableError extends AppError {
  readonly status = 503;
  readonly code = 'database-unavailable';
  readonly title = 'Database unavailable';
  constructor(options: { detail?: string; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super({
      detail: options.detail ?? 'The database is unavailable right now; retry the request later.',
      headers: { 'retry-after': String(options.retryAfterSeconds ?? 2) },
      cause: options.cause,
    });
  }
}

/** 412 `version-mismatch`: If-Match named a version that is no longer current. */
export class VersionMismatchError extends AppError {
  readonly status = 412;
  readonly code = 'version-mismatch';
  readonly title = 'Version mismatch';
  readonly currentVersion: number;
  constructor(options: { currentVersion: number; expectedVersion?: number; detail?: string }) {
    super({
      detail:
        options.detail ??
        `The resource is at version ${options.currentVersion}` +
          (options.expectedVersion === undefined ? '.' : `, not ${options.expectedVersion}.`) +
          ' Reload it and retry.',
      extensions: { currentVersion: options.currentVersion },
      headers: { etag: `"${options.currentVersion}"` },
    });
    this.currentVersion = options.currentVersion;
  }
}

/** 428 `precondition-required`: a mutating route needs If-Match. */
export class PreconditionRequiredError extends AppError {
  readonly status = 428;
  readonly code = 'precondition-required';
  readonly title = 'Precondition required';
  constructor(detail = 'This request must carry an If-Match header with the ETag you last read.') {
    super({ detail });
  }
}

/** 409 `idempotency-in-progress`: the same Idempotency-Key is being processed right now. */
export class IdempotencyInProgressError extends AppError {
  readonly status = 409;
  readonly code = 'idempotency-in-progress';
  readonly title = 'Request in progress';
  constructor() {
    super({
      detail: 'A request with this Idempotency-Key is still being processed; retry later.',
      headers: { 'retry-after': '1' },
    });
  }
}

/** 422 `idempotency-key-reused`: the key was used before with a different request. */
export class IdempotencyKeyReusedError extends AppError {
  readonly status = 422;
  readonly code = 'idempotency-key-reused';
  readonly title = 'Idempotency-Key reused';
  constructor() {
    super({ detail: 'This Idempotency-Key was already used with a different request body, method or path.' });
  }
}

/** 413 `payload-too-large`. */
export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'payload-too-large';
  readonly title = 'Payload too large';
  constructor(detail = 'The request body is too large.') {
    super({ detail });
  }
}

/** 400 `malformed-body`: the body is not parseable (e.g. invalid JSON). */
export class MalformedBodyError extends AppError {
  readonly status = 400;
  readonly code = 'malformed-body';
  readonly title = 'Malformed body';
  constructor(detail = 'The request body could not be parsed.') {
    super({ detail });
  }
}

/** 415 `unsupported-media-type`: the Content-Type is not accepted by this route. */
export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'unsupported-media-type';
  readonly title = 'Unsupported media type';
  constructor(detail = 'The request Content-Type is not supported.') {
    super({ detail });
  }
}

/**
 * 409 `stale-lease`: a write guarded by a lease carried a fencing token that is no longer
 * the newest one for that resource (another holder took over), so it was refused.
 */
export class StaleFencingTokenError extends AppError {
  readonly status = 409;
  readonly code = 'stale-lease';
  readonly title = 'Stale lease';
  constructor(options: { resource: string; token: number }) {
    super({
      detail: `The lease on "${options.resource}" is held under a newer token than ${options.token}; this holder may no longer write.`,
      extensions: { resource: options.resource },
    });
  }
}

/** 409 `lease-unavailable`: another live holder owns the lease; retry later. */
export class LeaseUnavailableError extends AppError {
  readonly status = 409;
  readonly code = 'lease-unavailable';
  readonly title = 'Lease unavailable';
  constructor(options: { resource: string; retryAfterSeconds?: number }) {
    super({
      detail: `"${options.resource}" is being worked on by another holder; retry later.`,
      headers: { 'retry-after': String(options.retryAfterSeconds ?? 1) },
    });
  }
}

/**
 * 500 `internal`: a programming error in the use of the toolkit (e.g. a MANDATORY
 * transactional method called outside a transaction). Never shown in detail to clients.
 */
export class TransactionPropagationError extends AppError {
  readonly status = 500;
  readonly code = 'internal';
  readonly title = 'Internal error';
  constructor(detail: string) {
    super({ detail });
  }
}

/**
 * An already-decided Problem Details outcome being sent again verbatim (idempotent replay of
 * a stored 4xx). Carries the stored status, code, title and extensions.
 */
export class ReplayedProblemError extends AppError {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  constructor(options: {
    status: number;
    code: string;
    title: string;
    detail?: string;
    extensions?: Record<string, unknown>;
    headers?: Record<string, string>;
  }) {
    super({ detail: options.detail, extensions: options.extensions, headers: options.headers });
    this.status = options.status;
    this.code = options.code;
    this.title = options.title;
  }
}
