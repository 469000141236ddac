import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit, Provider } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { CONCURRENCY_CONNECTION, ConcurrencyModels } from './concurrency-models';
import { CONCURRENCY_OPTIONS, ConcurrencyModuleOptions, resolveConcurrencyOptions, ResolvedConcurrencyOptions } from './concurrency.options';
import { registerConnection, unregisterConnection } from './connection-registry';
import { ETagInterceptor } from './etag.interceptor';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';
import { IfMatchInterceptor } from './if-match.interceptor';
import { LeaseService } from './lease.service';
import { OutboxRelay } from './outbox-relay';
import { OutboxService } from './outbox.service';
import { ProblemDetailsFilter } from './problem-details.filter';
import { SequencesService } from './sequences.service';
import { transactionDefaults } from './transaction-runner';

/** Registers the connection for @Transactional and builds the toolkit's indexes at init. */
@Injectable()
class ConcurrencyLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(CONCURRENCY_CONNECTION) private readonly connection: Connection,
    @Inject(CONCURRENCY_OPTIONS) private readonly options: ResolvedConcurrencyOptions,
    private readonly models: ConcurrencyModels,
  ) {}

  async onModuleInit(): Promise<void> {
    registerConnection(this.connection);
    transactionDefaults.maxRetryTimeMs = this.options.transactions.maxRetryTimeMs;
    await this.models.ensureIndexes();
  }

  onApplicationShutdown(): void {
    unregisterConnection(this.connection);
  }
}

const EXPORTED = [ConcurrencyModels, SequencesService, LeaseService, OutboxService, OutboxRelay, IdempotencyStore, IdempotencyInterceptor, IfMatchInterceptor, ETagInterceptor, ProblemDetailsFilter];

/**
 * The concurrency toolkit as a global Nest module. Import once in the root module, after
 * `MongooseModule.forRoot()`:
 *
 * ```ts
 * ConcurrencyModule.forRoot({ outbox: { pollIntervalMs: 500 }, idempotency: { ttlSeconds: 86400 }, transactions: { maxRetryTimeMs: 30000 } })
 * ```
 * The app registers ProblemDetailsFilter (APP_FILTER) and ETagInterceptor (APP_INTERCEPTOR)
 * itself, or passes `http: { problemDetailsFilter: true, etagInterceptor: true }` to have them registered here.
 */
@Module({})
export class ConcurrencyModule {
  /** Configures the toolkit; see {@link ConcurrencyModuleOptions}. */
  static forRoot(options: ConcurrencyModuleOptions = {}): DynamicModule {
    const resolved = resolveConcurrencyOptions(options);
    const providers: Provider[] = [
      { provide: CONCURRENCY_OPTIONS, useValue: resolved },
      { provide: CONCURRENCY_CONNECTION, useFactory: (c: Connection) => c, inject: [getConnectionToken(resolved.connectionName)] },
      ConcurrencyLifecycle,
      ...EXPORTED,
    ];
    if (resolved.http.problemDetailsFilter) providers.push({ provide: APP_FILTER, useExisting: ProblemDetailsFilter });
    if (resolved.http.etagInterceptor) providers.push({ provide: APP_INTERCEPTOR, useExisting: ETagInterceptor });
    return { module: ConcurrencyModule, global: true, providers, exports: [CONCURRENCY_OPTIONS, CONCURRENCY_CONNECTION, ...EXPORTED] };
  }
}
