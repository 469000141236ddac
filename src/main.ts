import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { AppConfigService } from './common/config/app-config.service';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfigService);
  const port = config.get('PORT');
  await app.listen({ port, host: config.get('HOST') ?? '0.0.0.0' });
  const url = `http://localhost:${port}`;
  new Logger('Bootstrap').log(`Listening on ${url} — Swagger UI at ${url}/docs, OpenAPI at ${url}/docs-json`);
}

bootstrap().catch((error: unknown) => {
  // Config validation errors are meant for humans: print the message, not a stack.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
