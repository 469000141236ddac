import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse, DECORATORS } from '@nestjs/swagger';

const ETAG_HEADER = { description: 'Strong entity tag: the resource version, quoted. Send it back in If-Match to change the resource.', schema: { type: 'string', example: '"1"' } };

/** Adds the ETag header to the documented 200 response without touching its type (in any decorator order). */
const documentETagOn200: MethodDecorator = (_target, _key, descriptor) => {
  const fn = descriptor.value as object;
  const responses = (Reflect.getMetadata(DECORATORS.API_RESPONSE, fn) ?? {}) as Record<string, { description?: string; headers?: Record<string, unknown> }>;
  const ok = responses['200'] ?? { description: 'The resource.' };
  Reflect.defineMetadata(DECORATORS.API_RESPONSE, { ...responses, 200: { ...ok, headers: { ...ok.headers, ETag: ETAG_HEADER } } }, fn);
  return descriptor;
};

/**
 * Documents a GET-one route of a versioned resource: the `ETag` response header, the
 * optional `If-None-Match` request header and the 304 answer (the ETagInterceptor does the work).
 */
export function ApiETag(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      // No example: Swagger UI would pre-fill it, and a fresh resource at that version would
      // answer 304 with nothing to show.
      description: 'Optional. The ETag you hold (e.g. "3"); when the resource is still at that version the answer is 304 with no body.',
      schema: { type: 'string' },
    }),
    documentETagOn200,
    ApiResponse({ status: 304, description: 'Not modified: your If-None-Match matches the current version.', headers: { ETag: ETAG_HEADER } }),
  );
}
