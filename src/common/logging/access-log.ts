import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/** Probes and scrapes: frequent, uniform and already counted in the metrics — not logged. */
export function isQuietRoute(route: string | undefined): boolean {
  return route !== undefined && (route.startsWith('/health/') || route === '/metrics');
}

interface WithUser {
  user?: { userId: string; tenantId: string };
}

/**
 * One compact access-log line per request, written when the response has gone out:
 * method, route template, status, duration, request id, tenant and user. No headers, no
 * bodies (nothing to redact, ~200 bytes a line), nothing for health probes and metrics.
 */
export function registerAccessLog(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request: FastifyRequest, reply, done) => {
    const route = request.routeOptions.url;
    if (!isQuietRoute(route)) {
      const status = reply.statusCode;
      const level = status >= 500 ? 'error' : 'info';
      if (logger.isLevelEnabled(level)) {
        const user = (request as WithUser).user;
        const path = route ?? request.url.split('?')[0];
        logger[level](
          {
            reqId: request.id,
            method: request.method,
            route: path,
            status,
            ms: Math.round(reply.elapsedTime * 10) / 10,
            ...(user ? { tenant: user.tenantId, user: user.userId } : {}),
          },
          `${request.method} ${path} ${status}`,
        );
      }
    }
    done();
  });
}
