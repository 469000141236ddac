/**
 * Adapter-neutral access to the bits of the HTTP request/response the toolkit needs
 * (Fastify first, Express tolerated), so interceptors and the filter share one reading.
 */

/** The authenticated principal the app's auth guard puts on `request.user`. */
export interface RequestUser {
  userId?: string;
  tenantId?: string;
  roles?: string[];
  sessionId?: string;
}

/** The request shape the toolkit reads. */
export interface HttpRequestLike {
  method: string;
  url: string;
  id?: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  user?: RequestUser;
  routeOptions?: { url?: string };
  originalUrl?: string;
}

/** Reads one request header as a single string (repeated values joined with ', ', as HTTP folds them). */
export function getHeader(request: HttpRequestLike, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The request path without the query string (the Problem Details `instance`). */
export function requestPath(request: HttpRequestLike): string {
  const url = request.originalUrl ?? request.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** The request id used in logs: `x-request-id` header, else the framework's id. */
export function requestId(request: HttpRequestLike): string | undefined {
  return getHeader(request, 'x-request-id') ?? (request.id === undefined ? undefined : String(request.id));
}

/** Sets a response header on a Fastify reply or a Node/Express response, unless already sent. */
export function setResponseHeader(response: unknown, name: string, value: string): void {
  const res = response as {
    header?: (n: string, v: string) => unknown;
    setHeader?: (n: string, v: string) => unknown;
    sent?: boolean;
    raw?: { headersSent?: boolean };
    headersSent?: boolean;
  };
  if (res.sent || res.raw?.headersSent || res.headersSent) return;
  if (typeof res.header === 'function') res.header(name, value);
  else if (typeof res.setHeader === 'function') res.setHeader(name, value);
}

/** The tenant scope of a request: the authenticated tenant, else `public`. */
export function tenantScope(request: HttpRequestLike): string {
  return request.user?.tenantId ?? 'public';
}
