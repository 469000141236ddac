import { Global, Module } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { AppLogger } from './app-logger.service';
import { createRootLogger, wantsPrettyLogs } from './root-logger';

/**
 * One pino logger for the process (JSON, or pino-pretty on a development terminal), used by
 * Nest's own logging through {@link AppLogger} and by the access log (access-log.ts). Every
 * line written while a request is served carries its request id, the one Fastify assigned
 * (see request-id.ts) and the response's X-Request-Id echoes, so a response (and the 5xx
 * line the Problem Details filter logs) leads to its log lines. The Problem Details body
 * itself carries no request id: its `instance` is the request path.
 */
@Global()
@Module({
  providers: [
    {
      provide: AppLogger,
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) =>
        new AppLogger(createRootLogger({ level: config.get('LOG_LEVEL'), pretty: wantsPrettyLogs(config.get('NODE_ENV')) })),
    },
  ],
  exports: [AppLogger],
})
export class LoggingModule {}
