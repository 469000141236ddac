import { AppError, defineProblem } from '@app/problem-details';
import { duplicateKeyFields, isDatabaseUnavailable, isDuplicateKeyError, isMaxTimeExpired, isWriteConflict } from './mongo-errors';

/*
 * The toolkit's own problems: what a lost race, a stale or missing precondition, a reused key
 * or an unreachable database answer. The HTTP-wide ones (400/401/403/404…) and AppError itself
 * are in @app/problem-details.
 */

/** 409 `invalid-state`: a guarded transition lost, or the resource is not in a state that allows it. */
export class InvalidStateError extends defineProblem(
  { status: 409, code: 'invalid-state', title: 'Invalid state' },
  (options: { currentState?: unknown; detail?: string; extensions?: Record<string, unknown> } = {}) => ({
    detail: options.detail ?? `The resource is in state "${String(options.currentState)}", which does not allow this.`,
    extensions: { ...(options.currentState === undefined ? {} : { currentState: options.currentState }), ...options.extensions },
  }),
) {}

/** 409 `duplicate`: a unique constraint said no. Names the conflicting field(s). */
export class DuplicateError extends defineProblem(
  { status: 409, code: 'duplicate', title: 'Duplicate' },
  (options: { fields: string[]; detail?: string; extensions?: Record<string, unknown> }) => ({
    detail: options.detail ?? `A resource with the same ${options.fields.join(', ')} already exists.`,
    extensions: { fields: options.fields, ...options.extensions },
  }),
) {}

/** What a retryable refusal carries: an optional detail, the Retry-After seconds, and the cause (for logs). */
interface RetryLater {
  detail?: string;
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** The options of a refusal the client should simply retry after `Retry-After`. */
const retryLater = (defaults: { detail: string; retryAfterSeconds: number }) => (options: RetryLater = {}) => ({
  detail: options.detail ?? defaults.detail,
  headers: { 'retry-after': String(options.retryAfterSeconds ?? defaults.retryAfterSeconds) },
  cause: options.cause,
});

/** 409 `contention`: retries were exhausted under write conflicts; try again. */
export class ContentionError extends defineProblem(
  { status: 409, code: 'contention', title: 'Contention' },
  retryLater({ detail: 'Too many concurrent changes to the same data; retry the request.', retryAfterSeconds: 1 }),
) {}

/**
 * 503 `database-unavailable`: the database could not be reached or could not serve, and the
 * retries the drivers' specs allow were spent. Nothing is known to have changed; the client
 * retries after `Retry-After`. Unlike other 5xx its code and detail reach the client, since
 * they say what to do and reveal nothing internal.
 */
export class DatabaseUnavailableError extends defineProblem(
  { status: 503, code: 'database-unavailable', title: 'Database unavailable' },
  retryLater({ detail: 'The database is unavailable right now; retry the request later.', retryAfterSeconds: 2 }),
) {}

/** 412 `version-mismatch`: If-Match named a version that is no longer current. */
export class VersionMismatchError extends defineProblem(
  { status: 412, code: 'version-mismatch', title: 'Version mismatch' },
  (options: { currentVersion: number; expectedVersion?: number; detail?: string }) => ({
    detail:
      options.detail ??
      `The resource is at version ${options.currentVersion}` + (options.expectedVersion === undefined ? '.' : `, not ${options.expectedVersion}.`) + ' Reload it and retry.',
    extensions: { currentVersion: options.currentVersion },
    headers: { etag: `"${options.currentVersion}"` },
  }),
) {
  readonly currentVersion = this.extensions.currentVersion as number;
}

/** 428 `precondition-required`: a mutating route needs If-Match. */
export class PreconditionRequiredError extends defineProblem(
  { status: 428, code: 'precondition-required', title: 'Precondition required' },
  (detail = 'This request must carry an If-Match header with the ETag you last read.') => ({ detail }),
) {}

/** 409 `idempotency-in-progress`: the same Idempotency-Key is being processed right now. */
export class IdempotencyInProgressError extends defineProblem({ status: 409, code: 'idempotency-in-progress', title: 'Request in progress' }, () => ({
  detail: 'A request with this Idempotency-Key is still being processed; retry later.',
  headers: { 'retry-after': '1' },
})) {}

/** 422 `idempotency-key-reused`: the key was used before with a different request. */
export class IdempotencyKeyReusedError extends defineProblem({ status: 422, code: 'idempotency-key-reused', title: 'Idempotency-Key reused' }, () => ({
  detail: 'This Idempotency-Key was already used with a different request body, method or path.',
})) {}

/**
 * 409 `stale-lease`: a write guarded by a lease carried a fencing token that is no longer
 * the newest one for that resource (another holder took over), so it was refused.
 */
export class StaleFencingTokenError extends defineProblem({ status: 409, code: 'stale-lease', title: 'Stale lease' }, (options: { resource: string; token: number }) => ({
  detail: `The lease on "${options.resource}" is held under a newer token than ${options.token}; this holder may no longer write.`,
  extensions: { resource: options.resource },
})) {}

/** 409 `lease-unavailable`: another live holder owns the lease; retry later. */
export class LeaseUnavailableError extends defineProblem(
  { status: 409, code: 'lease-unavailable', title: 'Lease unavailable' },
  (options: { resource: string; retryAfterSeconds?: number }) => ({
    detail: `"${options.resource}" is being worked on by another holder; retry later.`,
    headers: { 'retry-after': String(options.retryAfterSeconds ?? 1) },
  }),
) {}

/**
 * 500 `internal`: a programming error in the use of the toolkit (e.g. a MANDATORY
 * transactional method called outside a transaction). Never shown in detail to clients.
 */
export class TransactionPropagationError extends defineProblem({ status: 500, code: 'internal', title: 'Internal error' }, (detail: string) => ({ detail })) {}

/**
 * What a MongoDB error that escaped a repository means to the client (the ProblemDetailsFilter
 * consults it through PROBLEM_TRANSLATORS, which ConcurrencyModule provides): a unique index
 * → 409 `duplicate`, the database away or a lock wait over its limit → 503, a write conflict
 * outside the runner's retries → 409 `contention`.
 */
export function databaseProblem(exception: unknown): AppError | undefined {
  if (isDuplicateKeyError(exception)) {
    const all = duplicateKeyFields(exception);
    // The tenant is implicit in every unique index; naming it tells the client nothing.
    return new DuplicateError({ fields: all.length > 1 ? all.filter((f) => f !== 'tenantId') : all });
  }
  // Before write conflicts: the driver labels a network error inside a transaction TransientTransactionError too.
  if (isDatabaseUnavailable(exception) || isMaxTimeExpired(exception)) return new DatabaseUnavailableError({ cause: exception });
  if (isWriteConflict(exception)) return new ContentionError();
  return undefined;
}
