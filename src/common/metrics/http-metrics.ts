import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, register } from 'prom-client';

function metric<T>(name: string, create: () => T): T {
  // Several Nest apps may live in one process (tests); prom-client's registry is global.
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * Request count and duration by method, route template (never the raw URL: ids would explode
 * the label set) and status.
 */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  const labelNames = ['method', 'route', 'status'] as const;
  const duration = metric(
    'http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP request duration in seconds',
        labelNames,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      }),
  );
  const total = metric(
    'http_requests_total',
    () => new Counter({ name: 'http_requests_total', help: 'HTTP requests served', labelNames }),
  );
  fastify.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    duration.observe(labels, reply.elapsedTime / 1000);
    total.inc(labels);
    done();
  });
}
