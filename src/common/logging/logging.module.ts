import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfigService } from '../config/app-config.service';

/**
 * Structured JSON logs. pino-http binds the request id to every line logged while serving a
 * request; the id is the one Fastify assigned (see request-id.ts), so logs, the response's
 * X-Request-Id and Problem Details `instance` lines can be joined.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({
        pinoHttp: {
          level: config.get('LOG_LEVEL'),
          genReqId: (req) => String(req.headers['x-request-id']),
          customProps: () => ({ service: 'race-safe-backend' }),
          // Bearer tokens and cookies never reach the logs.
          redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
          autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') || req.url === '/metrics' },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
