import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Reflector } from '@nestjs/core';
import { Observable, map } from 'rxjs';
import { getHeader, HttpRequestLike, NotModifiedSignal, setResponseHeader } from '@app/problem-details';

/** The strong ETag of a version: `"<version>"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** The integer `version` of a response body, if it is a versioned resource. */
export function versionOf(body: unknown): number | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const v = (body as { version?: unknown }).version;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): `W/"3"` matches `"3"`; `*` matches anything. */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || opaque(t) === opaque(etag));
}

/** Metadata key of {@link NoETag}. */
export const NO_ETAG = 'concurrency:no-etag';

/**
 * Opts a route out of the automatic ETag: for bodies whose integer `version` is not the
 * representation's concurrency version (e.g. a file version's number, whose `isCurrent`
 * flag changes without the number changing — a 304 there would serve a stale flag). Marks the
 * operation `x-etag: false` so the OpenAPI document does not promise the header either.
 */
export const NoETag = (): MethodDecorator & ClassDecorator => applyDecorators(SetMetadata(NO_ETAG, true), ApiExtension('x-etag', false));

/**
 * Global: every response whose body is a resource with an integer `version` carries
 * `ETag: "<version>"`; a GET/HEAD whose If-None-Match matches gets 304 with no body.
 */
@Injectable()
export class ETagInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    if (this.reflector.getAllAndOverride<boolean>(NO_ETAG, [context.getHandler(), context.getClass()])) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const response = http.getResponse<unknown>();
    return next.handle().pipe(
      map((body) => {
        const version = versionOf(body);
        if (version === undefined) return body;
        const etag = etagOf(version);
        const method = request.method.toUpperCase();
        if ((method === 'GET' || method === 'HEAD') && ifNoneMatchMatches(getHeader(request, 'if-none-match'), etag)) {
          throw new NotModifiedSignal(etag);
        }
        setResponseHeader(response, 'etag', etag);
        return body;
      }),
    );
  }
}
