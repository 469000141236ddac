import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger, Optional } from '@nestjs/common';
import { HttpRequestLike, requestId, requestPath, setResponseHeader } from './http-context';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationFailedError } from './http-problems';
import { NotModifiedSignal } from './not-modified';
import { PROBLEM_CONTENT_TYPE, problemType } from './problem-details.dto';
import { AppError, FieldError } from './problem';

/** An RFC 9457 Problem Details body as this API sends it. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance: string;
  code: string;
  [extension: string]: unknown;
}

/** What an exception becomes on the wire: the body, headers to set, and whether to log it as a fault. */
export interface ResolvedProblem {
  body: ProblemDetails;
  headers: Record<string, string>;
  /** True for 5xx: the cause is logged with its stack; the client sees a generic detail. */
  fault: boolean;
}

/** Stable codes for plain HTTP statuses (Nest HttpExceptions, Fastify errors). */
const STATUS_CODES: Record<number, [code: string, title: string]> = {
  400: ['bad-request', 'Bad request'],
  401: ['unauthenticated', 'Unauthenticated'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  406: ['not-acceptable', 'Not acceptable'],
  408: ['request-timeout', 'Request timeout'],
  409: ['conflict', 'Conflict'],
  410: ['gone', 'Gone'],
  411: ['length-required', 'Length required'],
  413: ['payload-too-large', 'Payload too large'],
  414: ['uri-too-long', 'URI too long'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  422: ['unprocessable-content', 'Unprocessable content'],
  429: ['too-many-requests', 'Too many requests'],
};

/**
 * Turns an exception this library knows nothing about (a database driver's, say) into the
 * {@link AppError} it means, or `undefined` to pass. A library that knows such errors provides
 * its translators under {@link PROBLEM_TRANSLATORS} (the concurrency toolkit does, for MongoDB's).
 */
export type ProblemTranslator = (exception: unknown) => AppError | undefined;

/** Injection token of the {@link ProblemTranslator}s the filter consults, in order. */
export const PROBLEM_TRANSLATORS = Symbol('PROBLEM_TRANSLATORS');

const GENERIC_DETAIL = 'An unexpected error occurred. It has been logged; quote the request id when reporting it.';

function fromAppError(error: AppError, instance: string): ResolvedProblem {
  // A deliberate 503 (database away, indexes being rebuilt, not ready) says "come back later" and
  // names no internals: shown as is (with Retry-After), and not a fault to log with a stack.
  const fault = error.status >= 500 && error.status !== 503;
  return {
    body: {
      type: problemType(fault ? 'internal' : error.code),
      title: fault ? 'Internal error' : error.title,
      status: error.status,
      detail: fault ? GENERIC_DETAIL : error.detail,
      instance,
      code: fault ? 'internal' : error.code,
      ...(fault ? {} : error.extensions),
    },
    headers: fault ? {} : error.headers,
    fault,
  };
}

/** class-validator style messages from a Nest BadRequestException (ValidationPipe default). */
function validationErrorsOf(response: unknown): FieldError[] | undefined {
  if (response === null || typeof response !== 'object') return undefined;
  const message = (response as { message?: unknown }).message;
  if (!Array.isArray(message) || !message.every((m) => typeof m === 'string')) return undefined;
  return (message as string[]).map((m) => ({ field: m.split(' ')[0] ?? '', message: m }));
}

function fromHttpStatus(status: number, detail: string | undefined, instance: string, headers: Record<string, string> = {}): ResolvedProblem {
  if (status >= 500) {
    return { body: { type: problemType('internal'), title: 'Internal error', status, detail: GENERIC_DETAIL, instance, code: 'internal' }, headers: {}, fault: true };
  }
  const [code, title] = STATUS_CODES[status] ?? ['error', 'Error'];
  return { body: { type: problemType(code), title, status, detail, instance, code }, headers, fault: false };
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** Errors the HTTP layer raises before a handler runs (Fastify content-type parser and friends). */
function fromTransportError(exception: unknown, instance: string): ResolvedProblem | undefined {
  const cause = exception instanceof HttpException && exception.cause !== undefined ? exception.cause : exception;
  const e = cause as FastifyLikeError;
  const status = exception instanceof HttpException ? exception.getStatus() : e?.statusCode;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (cause instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return fromAppError(new MalformedBodyError(), instance);
  }
  if (status === 413 || code === 'FST_ERR_CTP_BODY_TOO_LARGE') return fromAppError(new PayloadTooLargeError(), instance);
  if (status === 415 || code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || code === 'FST_ERR_CTP_INVALID_TYPE') {
    return fromAppError(new UnsupportedMediaTypeError(), instance);
  }
  if (code.startsWith('FST_') && typeof status === 'number' && status >= 400 && status < 500) {
    return fromHttpStatus(status, STATUS_CODES[status]?.[1], instance);
  }
  return undefined;
}

function fromHttpException(exception: HttpException, instance: string): ResolvedProblem {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (status === 400) {
    const errors = validationErrorsOf(response);
    if (errors) return fromAppError(new ValidationFailedError(errors), instance);
  }
  const message = typeof response === 'string' ? response : (response as { message?: unknown })?.message;
  return fromHttpStatus(status, typeof message === 'string' ? message : undefined, instance);
}

/** mongoose ValidationError / CastError → 400 with `errors[]`; the model's own messages only. */
function fromMongooseError(exception: unknown, instance: string): ResolvedProblem | undefined {
  const e = exception as { name?: string; errors?: Record<string, { path?: string; message?: string; kind?: string }>; path?: string; kind?: string };
  if (e?.name === 'ValidationError' && e.errors && typeof e.errors === 'object') {
    const errors = Object.entries(e.errors).map(([path, v]) => ({ field: v.path ?? path, message: v.kind === 'ObjectId' ? 'must be a 24-character hex id' : (v.message ?? 'invalid') }));
    return fromAppError(new ValidationFailedError(errors), instance);
  }
  if (e?.name === 'CastError' && typeof e.path === 'string') {
    return fromAppError(new ValidationFailedError([{ field: e.path, message: e.kind === 'ObjectId' ? 'must be a 24-character hex id' : `must be a valid ${String(e.kind).toLowerCase()}` }]), instance);
  }
  return undefined;
}

/**
 * Maps any thrown value to the Problem Details the client sees. Pure: used by the filter and
 * by the idempotency interceptor (which stores the exact body it will later replay), so both
 * must pass the same translators.
 */
export function resolveProblem(exception: unknown, instance: string, translators: readonly ProblemTranslator[] = []): ResolvedProblem {
  if (exception instanceof AppError) return fromAppError(exception, instance);
  const transport = fromTransportError(exception, instance);
  if (transport) return transport;
  if (exception instanceof HttpException) return fromHttpException(exception, instance);
  for (const translate of translators) {
    const error = translate(exception);
    if (error) return fromAppError(error, instance);
  }
  const mongooseProblem = fromMongooseError(exception, instance);
  if (mongooseProblem) return mongooseProblem;
  return fromHttpStatus(500, undefined, instance);
}

/**
 * THE global exception filter: every error leaves the API as `application/problem+json`
 * (RFC 9457) with a stable `code`. 5xx are logged with the request id and stack and answered
 * with a generic detail, so stack traces, driver messages and internal ids never leak.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  constructor(@Optional() @Inject(PROBLEM_TRANSLATORS) private readonly translators: readonly ProblemTranslator[] = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const response = http.getResponse<unknown>();
    if (exception instanceof NotModifiedSignal) {
      this.send(response, 304, { etag: exception.etag }, undefined);
      return;
    }
    const resolved = resolveProblem(exception, requestPath(request), this.translators);
    if (resolved.fault) {
      const stack = exception instanceof Error ? exception.stack : String(exception);
      this.logger.error(`${request.method} ${requestPath(request)} failed [request-id=${requestId(request) ?? '-'}]: ${stack}`);
    } else if (resolved.body.status === 503) {
      // A deliberate 503 (a dependency away): no stack, but the operator sees why.
      const cause = exception instanceof Error && exception.cause instanceof Error ? exception.cause : exception;
      this.logger.warn(`${request.method} ${requestPath(request)} answered 503 [request-id=${requestId(request) ?? '-'}]: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`);
    }
    this.send(response, resolved.body.status, { ...resolved.headers, 'content-type': PROBLEM_CONTENT_TYPE }, resolved.body);
  }

  private send(response: unknown, status: number, headers: Record<string, string>, body: unknown): void {
    const res = response as {
      sent?: boolean;
      raw?: { headersSent?: boolean; end?: () => void; writableEnded?: boolean };
      headersSent?: boolean;
      status?: (s: number) => unknown;
      code?: (s: number) => unknown;
      send?: (b?: unknown) => unknown;
      end?: (b?: string) => unknown;
      statusCode?: number;
    };
    // A stream (SSE) that already started cannot change status; just close it.
    if (res.sent || res.raw?.headersSent || res.headersSent) {
      if (res.raw && !res.raw.writableEnded) res.raw.end?.();
      return;
    }
    for (const [k, v] of Object.entries(headers)) setResponseHeader(response, k, v);
    if (typeof res.code === 'function' && typeof res.send === 'function') {
      res.code(status);
      res.send(body === undefined ? undefined : JSON.stringify(body));
      return;
    }
    // Express / raw Node response.
    res.statusCode = status;
    res.end?.(body === undefined ? undefined : JSON.stringify(body));
  }
}
