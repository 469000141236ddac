import type { IncomingMessage } from 'node:http';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { PROBLEM_CONTENT_TYPE, resolveProblem } from '@app/problem-details';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { AppModule, AppModuleOptions } from './app.module';
import { AppConfigService } from './common/config/app-config.service';
import { registerJsonBodyParser } from './common/http/json-body';
import { requestIdFrom } from './common/http/request-id';
import { securityHeaders } from './common/http/security-headers';
import { registerAccessLog } from './common/logging/access-log';
import { AppLogger } from './common/logging/app-logger.service';
import { REQUEST_ID_KEY } from './common/logging/root-logger';
import { registerHttpMetrics } from './common/metrics/http-metrics';
import { setupSwagger } from './common/swagger/swagger';

/** Request bodies above this are refused with 413 before any handler runs. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Uploaded files (multipart/form-data) may be larger than JSON bodies. */
export const UPLOAD_LIMIT_BYTES = 25 * 1024 * 1024;

const API_PREFIX = 'api/v1';

/** Paths served outside the /api/v1 prefix. */
const UNPREFIXED = ['health/live', 'health/ready', 'metrics'];

/**
 * Builds the application exactly as `npm start` runs it; e2e tests use the same function so
 * they exercise the production wiring (prefix, filters, pipes, helmet, metrics, Swagger).
 */
export async function createApp(options: AppModuleOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // Path parameters carry user values (e.g. a list-setting option to delete); the default 100
    // characters is too short for them once percent-encoded.
    routerOptions: { maxParamLength: 512 },
    // Errors the router raises before Nest sees the request (e.g. a path parameter over the
    // limit → 414) still leave as Problem Details.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const problem = resolveProblem(error, request.url.split('?')[0]);
      void reply.code(problem.body.status).headers(problem.headers).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.body));
    },
    genReqId: (req: IncomingMessage) => requestIdFrom(req),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(options), adapter, {
    bufferLogs: true,
    // Body parsing is ours (registerJsonBodyParser): JSON with shape limits, nothing else.
    bodyParser: false,
  });
  const logger = app.get(AppLogger);
  app.useLogger(logger);
  app.flushLogs();
  const config = app.get(AppConfigService);

  const fastify = app.getHttpAdapter().getInstance();
  registerJsonBodyParser(fastify, BODY_LIMIT_BYTES);
  const cls = app.get(ClsService);
  // helmet's headers are the same for every response: computed once, here.
  const headers = { ...securityHeaders() };
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers).header('x-request-id', request.id);
    // The request's context (request id for log lines, tenant once authenticated) — the
    // app's one AsyncLocalStorage, entered here rather than in an Express-style middleware.
    cls.run(() => {
      cls.set(REQUEST_ID_KEY, request.id);
      done();
    });
  });
  registerHttpMetrics(fastify);
  registerAccessLog(fastify, logger.pino);

  // Multipart bodies are streamed to the handler (request.file()), never buffered whole.
  await app.register(multipart, { limits: { fileSize: UPLOAD_LIMIT_BYTES, files: 1, fields: 10 } });
  const origins = config.get('CORS_ORIGINS');
  if (origins) {
    app.enableCors({
      origin: origins === '*' ? true : origins.split(',').map((o) => o.trim()),
      exposedHeaders: ['ETag', 'X-Request-Id', 'Idempotent-Replayed', 'Retry-After', 'Location'],
    });
  }

  logger.excludeFromPrefix(API_PREFIX, UNPREFIXED);
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED });
  app.enableShutdownHooks();
  setupSwagger(app);
  await app.init();
  await fastify.ready();
  return app;
}
