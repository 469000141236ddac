import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { AppConfigService } from './common/config/app-config.service';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfigService);
  await app.listen({ port: config.get('PORT'), host: config.get('HOST') || '0.0.0.0' });
  // The bound port, not the configured one: PORT=0 picks a free port.
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.get('PORT');
  const url = `http://localhost:${port}`;
  new Logger('Bootstrap').log(`Listening on ${url} — Swagger UI at ${url}/docs, OpenAPI at ${url}/docs-json`);
}

bootstrap().catch((error: unknown) => {
  // Config validation errors are meant for humans: print the message, not a stack.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
