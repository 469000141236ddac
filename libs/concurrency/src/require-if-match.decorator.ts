import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { PreconditionRequiredError, VersionMismatchError } from './errors';
import { IfMatchInterceptor } from './if-match.interceptor';

/**
 * Marks a mutating route as conditional (RFC 9110 If-Match): without the header the
 * request is refused with 428 `precondition-required`; a stale version ends in 412
 * `version-mismatch` (from updateVersioned / transition). Documents both in Swagger.
 */
export function RequireIfMatch(options: { example?: string; description?: string } = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseInterceptors(IfMatchInterceptor),
    ApiHeader({
      name: 'If-Match',
      required: true,
      description:
        options.description ?? 'The ETag of the version you last read (strong, quoted). The change applies only if the resource is still at that version.',
      example: options.example ?? '"1"',
      schema: { type: 'string', pattern: '^"\\d+"$' },
    }),
    ApiProblemResponse({
      ...VersionMismatchError.problem,
      description: 'The resource changed since you read it; the body carries `currentVersion` and the response the current ETag. Reload and retry.',
      extensions: { currentVersion: 4 },
    }),
    ApiProblemResponse({ ...PreconditionRequiredError.problem, description: 'The If-Match header is missing.' }),
  );
}
