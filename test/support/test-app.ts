/**
 * Boots the real application (same wiring as `npm start`) for one e2e file: an in-process
 * MongoDB emulator unless MONGODB_URI points at a real replica set (then each file gets its
 * own database), the app listening on a random loopback port, and an HTTP client for it —
 * the same {@link TestApp} the toolkit's own specs get from `startTestApp` in
 * `@app/concurrency/testing`, built here from the whole application.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { Type } from '@nestjs/common';
import ConnectionString from 'mongodb-connection-string-url';
import { serveTestApp, TestApp } from '@app/concurrency/testing';

export type { TestApp };

export interface StartTestAppOptions {
  extraModules?: Type[];
  env?: Record<string, string>;
}

export async function startTestApp(options: StartTestAppOptions = {}): Promise<TestApp> {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret',
    OUTBOX_POLL_INTERVAL_MS: '50',
    ...options.env,
  };
  if (process.env.MONGODB_URI) {
    const uri = new ConnectionString(process.env.MONGODB_URI);
    uri.pathname = `/e2e_${randomBytes(4).toString('hex')}`;
    env.MONGODB_URI = uri.toString();
  }
  Object.assign(process.env, env);
  // Imported after the environment is set: config is read once, at module init.
  const { createApp } = await import('../../src/app.factory');
  const app = await createApp({ extraModules: options.extraModules });
  return serveTestApp(app);
}
