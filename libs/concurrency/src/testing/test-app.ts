import { INestApplication, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { getConnectionToken, MongooseModule, MongooseModuleOptions } from '@nestjs/mongoose';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Connection } from 'mongoose';
import { ConcurrencyModule } from '../concurrency.module';
import { ConcurrencyModuleOptions } from '../concurrency.options';
import { ETagInterceptor } from '../etag.interceptor';
import { ProblemDetailsFilter } from '../problem-details.filter';

/** A response as the test helpers return it (body parsed when JSON). */
export interface TestResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** A Fastify Nest app on a random port, with the toolkit wired as the app wires it. */
export interface TestApp {
  app: INestApplication;
  url: string;
  connection: Connection;
  /** Real HTTP request (global fetch); JSON bodies are encoded and decoded. */
  request(method: string, path: string, options?: { headers?: Record<string, string>; body?: unknown; rawBody?: string }): Promise<TestResponse>;
  close(): Promise<void>;
}

/** Options of {@link startTestApp}. */
export interface StartTestAppOptions {
  /** MongoDB URI (e.g. `MongoEmulator.start()` → `emu.uri`). */
  uri: string;
  /** More options of the connection (e.g. the app's `connectionFactory`, which registers its plugins). */
  mongoose?: MongooseModuleOptions;
  controllers?: Type[];
  providers?: Provider[];
  imports?: ModuleMetadata['imports'];
  concurrency?: ConcurrencyModuleOptions;
  /** Fastify body limit in bytes. */
  bodyLimit?: number;
  /** Listen on HTTP (default true); false for service-level tests. */
  listen?: boolean;
}

/**
 * Starts a small Nest app for library and app specs: MongooseModule on `uri`,
 * ConcurrencyModule, ProblemDetailsFilter and ETagInterceptor registered globally.
 */
export async function startTestApp(options: StartTestAppOptions): Promise<TestApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [MongooseModule.forRoot(options.uri, options.mongoose), ConcurrencyModule.forRoot({ outbox: { enabled: false }, ...options.concurrency }), ...(options.imports ?? [])],
    controllers: options.controllers ?? [],
    providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }, { provide: APP_INTERCEPTOR, useClass: ETagInterceptor }, ...(options.providers ?? [])],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ bodyLimit: options.bodyLimit }), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  let url = '';
  if (options.listen ?? true) {
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  } else {
    await app.init();
  }
  const connection = app.get<Connection>(getConnectionToken());
  return {
    app,
    url,
    connection,
    async request(method, path, req = {}) {
      const headers: Record<string, string> = { ...req.headers };
      let body: string | undefined = req.rawBody;
      if (req.body !== undefined) {
        body = JSON.stringify(req.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${url}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      if (/json/.test(res.headers.get('content-type') ?? '') && text.length > 0) parsed = JSON.parse(text);
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    async close() {
      await app.close();
    },
  };
}
