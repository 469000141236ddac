import { ModuleMetadata, Provider, Type } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { getConnectionToken, MongooseModule, MongooseModuleOptions } from '@nestjs/mongoose';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Connection } from 'mongoose';
import { ConcurrencyModule } from '../concurrency.module';
import { ConcurrencyModuleOptions } from '../concurrency.options';
import { ETagInterceptor } from '../etag.interceptor';
import { ProblemDetailsFilter } from '@app/problem-details';
import { HttpClient } from './http-client';

/**
 * An app under test, whichever way it was built (the toolkit alone by {@link startTestApp},
 * or the whole application by test/support): listening on a random loopback port, with a
 * client for it and its mongoose connection.
 */
export interface TestApp {
  app: NestFastifyApplication;
  /** `http://127.0.0.1:<port>`; empty when the app was only initialised (`listen: false`). */
  baseUrl: string;
  /** Real HTTP requests to `baseUrl` (JSON in and out; `http.as(token)` for a bearer token). */
  http: HttpClient;
  connection: Connection;
  close(): Promise<void>;
}

/** Listens on a random loopback port (or only initialises the app, `listen: false`) and wraps it as a {@link TestApp}. */
export async function serveTestApp(app: NestFastifyApplication, options: { listen?: boolean } = {}): Promise<TestApp> {
  let baseUrl = '';
  if (options.listen ?? true) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  } else {
    await app.init();
  }
  return { app, baseUrl, http: new HttpClient(baseUrl), connection: app.get<Connection>(getConnectionToken()), close: () => app.close() };
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
  return serveTestApp(app, { listen: options.listen });
}
