import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether an Authorization header carries the metrics token. Without a configured token
 * anyone who can reach the endpoint may scrape it (then keep it off the public network with
 * METRICS_PORT). Compared as digests, in constant time.
 */
export function metricsTokenAccepted(token: string | undefined, authorization: string | string[] | undefined): boolean {
  if (!token) return true;
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match !== null && timingSafeEqual(digest(match[1]), digest(token));
}
