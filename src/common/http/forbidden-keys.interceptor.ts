import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { InvalidKeyError } from '@app/problem-details';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';

/**
 * Rejects NoSQL operator injection before validation runs: any key in the body or the query
 * string that starts with `$` or contains `.` (at any depth; bracketed query keys such as
 * `filter[$gt]` are checked segment by segment) → 400 `invalid-key`, and nothing is written.
 */
@Injectable()
export class ForbiddenKeysInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      const bad = findForbiddenKey(request.query, 'query') ?? findForbiddenKey(request.body, 'body');
      if (bad) throw new InvalidKeyError(bad);
    }
    return next.handle();
  }
}

/** Returns the path of the first forbidden key in `value`, or undefined. */
export function findForbiddenKey(value: unknown, path: string, depth = 0): string | undefined {
  // Bodies are at most 1 MiB, but nesting is still bounded to keep this O(size) and stack-safe.
  if (depth > 64 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findForbiddenKey(value[i], `${path}.${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const segments = key.split(/[[\]]+/).filter((s) => s.length > 0);
    if (key.startsWith('$') || key.includes('.') || segments.some((s) => s.startsWith('$'))) return `${path}.${key}`;
    const found = findForbiddenKey((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}
