import { getHeader, HttpRequestLike, ValidationFailedError } from '@app/problem-details';
import { PreconditionRequiredError } from './errors';

/** Where the parsed If-Match version is kept on the request. */
export const IF_MATCH_VERSION = Symbol('ifMatchVersion');

/**
 * Parses `If-Match: "<version>"` (one strong entity tag) into the version number.
 * Missing → 428 `precondition-required`; `*`, weak or malformed tags → 400, because an
 * update must name the exact version it was computed from.
 */
export function parseIfMatch(request: HttpRequestLike): number {
  const cached = (request as unknown as Record<symbol, number | undefined>)[IF_MATCH_VERSION];
  if (cached !== undefined) return cached;
  const header = getHeader(request, 'if-match')?.trim();
  if (!header) throw new PreconditionRequiredError();
  const m = /^"(\d{1,15})"$/.exec(header);
  if (!m) {
    throw new ValidationFailedError(
      [{ field: 'If-Match', message: 'must be one strong ETag as returned by the API, e.g. "3"' }],
      'If-Match must be exactly one strong ETag such as "3".',
    );
  }
  const version = Number(m[1]);
  (request as unknown as Record<symbol, number>)[IF_MATCH_VERSION] = version;
  return version;
}
