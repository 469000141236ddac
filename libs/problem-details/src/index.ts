/**
 * @app/problem-details — errors as RFC 9457 Problem Details: the typed `AppError` and its
 * `defineProblem` factory, the problems every HTTP API answers (400/401/403/404/413/415), the
 * single global exception filter, and the Swagger documentation of error responses. It knows
 * nothing of databases or concurrency: a library whose errors it must translate provides
 * `PROBLEM_TRANSLATORS` (the concurrency toolkit does, for MongoDB's).
 */

export { AppError, AppErrorOptions, FieldError, ProblemType, ProblemClass, DefinedProblem, defineProblem } from './problem';
export {
  ValidationFailedError, InvalidKeyError, InvalidIdError, MalformedBodyError, UnauthenticatedError, ForbiddenError, NotFoundError, PayloadTooLargeError,
  UnsupportedMediaTypeError, ReplayedProblemError,
} from './http-problems';
export { NotModifiedSignal } from './not-modified';
export { ProblemDetailsFilter, ProblemDetails, ResolvedProblem, ProblemTranslator, PROBLEM_TRANSLATORS, resolveProblem } from './problem-details.filter';
export { ProblemDetailsDto, ProblemFieldErrorDto, problemType, PROBLEM_TYPE_BASE, PROBLEM_CONTENT_TYPE } from './problem-details.dto';
export { ApiProblemResponse, ApiProblemResponseOptions } from './api-problem-response.decorator';
export { RequestUser, HttpRequestLike, getHeader, requestPath, requestId, setResponseHeader, tenantScope } from './http-context';
