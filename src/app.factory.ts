import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { PROBLEM_CONTENT_TYPE, resolveProblem } from '@app/concurrency';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule, AppModuleOptions } from './app.module';
import { AppConfigService } from './common/config/app-config.service';
import { registerJsonBodyParser } from './common/http/json-body';
import { requestIdFrom } from './common/http/request-id';
import { registerHttpMetrics } from './common/metrics/http-metrics';
import { setupSwagger } from './common/swagger/swagger';

/** Request bodies above this are refused with 413 before any handler runs. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Uploaded files (multipart/form-data) may be larger than JSON bodies. */
export const UPLOAD_LIMIT_BYTES = 25 * 1024 * 1024;

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
    genReqId: (req: IncomingMessage) => {
      const id = requestIdFrom(req);
      // pino-http reads the id from this header, so logs and responses share one id.
      req.headers['x-request-id'] = id;
      return id;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(options), adapter, {
    bufferLogs: true,
    // Body parsing is ours (registerJsonBodyParser): JSON with shape limits, nothing else.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  const config = app.get(AppConfigService);

  const fastify = app.getHttpAdapter().getInstance();
  registerJsonBodyParser(fastify, BODY_LIMIT_BYTES);
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  registerHttpMetrics(fastify);

  await app.register(helmet, {
    // Swagger UI needs inline styles and scripts; everything else keeps helmet's defaults.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        scriptSrc: ["'self'", "'unsafe-inline'"],
      },
    },
  });
  // Multipart bodies are streamed to the handler (request.file()), never buffered whole.
  await app.register(multipart, { limits: { fileSize: UPLOAD_LIMIT_BYTES, files: 1, fields: 10 } });
  const origins = config.get('CORS_ORIGINS');
  if (origins) {
    app.enableCors({
      origin: origins === '*' ? true : origins.split(',').map((o) => o.trim()),
      exposedHeaders: ['ETag', 'X-Request-Id', 'Idempotent-Replayed', 'Retry-After', 'Location'],
    });
  }

  app.setGlobalPrefix('api/v1', { exclude: UNPREFIXED });
  app.enableShutdownHooks();
  setupSwagger(app);
  await app.init();
  await fastify.ready();
  return app;
}
