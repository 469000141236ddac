import { AppError, defineProblem, FieldError } from './problem';

/* The problems any HTTP API answers, whatever its storage: bad input, authentication, routing. */

/** 400 `validation-failed`: the request body, query or path is invalid. */
export class ValidationFailedError extends defineProblem({ status: 400, code: 'validation-failed', title: 'Validation failed' }, (errors: FieldError[], detail = 'The request is invalid; see errors[].') => ({
  detail,
  extensions: { errors },
})) {}

/** 400 `invalid-key`: a key starting with `$` or containing `.` (operator injection). */
export class InvalidKeyError extends defineProblem({ status: 400, code: 'invalid-key', title: 'Invalid key' }, (path: string) => ({
  detail: `Keys may not start with "$" or contain "." (found "${path}").`,
  extensions: { errors: [{ field: path, message: 'forbidden key' }] },
})) {}

/** 400 `invalid-id`: a path id that is not a valid ObjectId. */
export class InvalidIdError extends defineProblem({ status: 400, code: 'invalid-id', title: 'Invalid id' }, (param: string, value: string) => ({
  detail: `"${value}" is not a valid id.`,
  extensions: { errors: [{ field: param, message: 'must be a 24-character hex id' }] },
})) {}

/** 400 `malformed-body`: the body is not parseable (e.g. invalid JSON). */
export class MalformedBodyError extends defineProblem({ status: 400, code: 'malformed-body', title: 'Malformed body' }, (detail = 'The request body could not be parsed.') => ({ detail })) {}

/** 401 `unauthenticated`. */
export class UnauthenticatedError extends defineProblem({ status: 401, code: 'unauthenticated', title: 'Unauthenticated' }, (detail = 'A valid bearer token is required.') => ({
  detail,
  headers: { 'www-authenticate': 'Bearer' },
})) {}

/** 403 `forbidden`: authenticated, but the role does not allow this. */
export class ForbiddenError extends defineProblem({ status: 403, code: 'forbidden', title: 'Forbidden' }, (detail = 'Your role does not allow this operation.') => ({ detail })) {}

/** 404 `not-found`. Also what another tenant's resource looks like. */
export class NotFoundError extends defineProblem({ status: 404, code: 'not-found', title: 'Not found' }, (resource = 'Resource', detail?: string) => ({
  detail: detail ?? `${resource} not found.`,
})) {}

/** 413 `payload-too-large`. */
export class PayloadTooLargeError extends defineProblem({ status: 413, code: 'payload-too-large', title: 'Payload too large' }, (detail = 'The request body is too large.') => ({ detail })) {}

/** 415 `unsupported-media-type`: the Content-Type is not accepted by this route. */
export class UnsupportedMediaTypeError extends defineProblem({ status: 415, code: 'unsupported-media-type', title: 'Unsupported media type' }, (detail = 'The request Content-Type is not supported.') => ({
  detail,
})) {}

/**
 * An already-decided Problem Details outcome being sent again verbatim (idempotent replay of
 * a stored 4xx). Carries the stored status, code, title and extensions, so its type is known
 * only per occurrence (hence not {@link defineProblem}).
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
