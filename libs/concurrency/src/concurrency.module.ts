import { ConfigurableModuleBuilder, DynamicModule, Injectable, Module, OnModuleInit, Provider } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { PROBLEM_TRANSLATORS } from '@app/problem-details';
import type { Connection } from 'mongoose';
import { CONCURRENCY_CONNECTION, ConcurrencyModels } from './concurrency-models';
import { CONCURRENCY_OPTIONS, ConcurrencyModuleExtras, ConcurrencyModuleOptions, resolveConcurrencyOptions } from './concurrency.options';
import { databaseProblem } from './errors';
import { ETagInterceptor } from './etag.interceptor';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';
import { IfMatchInterceptor } from './if-match.interceptor';
import { LeaseService } from './lease.service';
import { OutboxRelay } from './outbox-relay';
import { OutboxService } from './outbox.service';
import { SequencesService } from './sequences.service';
import { TransactionRunner } from './transaction-runner';
import { getTransactionRunnerToken } from './transactional.decorator';

/** Builds the toolkit's indexes at init, before any request can race. */
@Injectable()
class ConcurrencyLifecycle implements OnModuleInit {
  constructor(private readonly models: ConcurrencyModels) {}

  async onModuleInit(): Promise<void> {
    await this.models.ensureIndexes();
  }
}

const EXPORTED = [ConcurrencyModels, TransactionRunner, SequencesService, LeaseService, OutboxService, OutboxRelay, IdempotencyStore, IdempotencyInterceptor, IfMatchInterceptor, ETagInterceptor];

const definition = new ConfigurableModuleBuilder<ConcurrencyModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras<ConcurrencyModuleExtras>({ connectionName: undefined }, (module, extras) => {
    // The connection decides which providers are built, so it is static even in forRootAsync.
    const runnerToken = getTransactionRunnerToken(extras.connectionName);
    const providers: Provider[] = [
      ...(module.providers ?? []),
      { provide: CONCURRENCY_OPTIONS, useFactory: (raw: ConcurrencyModuleOptions) => resolveConcurrencyOptions(raw, extras), inject: [MODULE_OPTIONS_TOKEN] },
      { provide: CONCURRENCY_CONNECTION, useFactory: (c: Connection) => c, inject: [getConnectionToken(extras.connectionName)] },
      // The global ProblemDetailsFilter (@app/problem-details) turns escaped MongoDB errors into 409/503 through these.
      { provide: PROBLEM_TRANSLATORS, useValue: [databaseProblem] },
      ConcurrencyLifecycle,
      ...EXPORTED,
      ...(runnerToken === TransactionRunner ? [] : [{ provide: runnerToken, useExisting: TransactionRunner }]),
    ];
    // A named connection's runner is exported under its own token only, so injecting the
    // TransactionRunner class always means the default connection's.
    const exports = [CONCURRENCY_OPTIONS, CONCURRENCY_CONNECTION, PROBLEM_TRANSLATORS, ...EXPORTED.filter((p) => p !== TransactionRunner || runnerToken === TransactionRunner), runnerToken];
    return { ...module, global: true, providers, exports };
  })
  .build();
const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = definition;

/** Injection token of the options exactly as passed to forRoot / returned by forRootAsync's factory. */
export const CONCURRENCY_MODULE_OPTIONS = MODULE_OPTIONS_TOKEN;

/**
 * The concurrency toolkit as a global Nest module. Import once in the root module, after
 * `MongooseModule.forRoot()`; options arrive through DI, keyed by connection:
 *
 * ```ts
 * ConcurrencyModule.forRoot({ outbox: { pollIntervalMs: 500 }, transactions: { maxRetryTimeMs: 30_000 } })
 * ConcurrencyModule.forRootAsync({ inject: [AppConfigService], useFactory: (c: AppConfigService) => ({ outbox: { pollIntervalMs: c.get('OUTBOX_POLL_INTERVAL_MS') } }) })
 * ConcurrencyModule.forRoot({ connectionName: 'reporting' })   // @Transactional({ connectionName: 'reporting' })
 * ```
 * The app registers ProblemDetailsFilter (APP_FILTER, from @app/problem-details) and ETagInterceptor
 * (APP_INTERCEPTOR) itself; the filter maps MongoDB errors through the PROBLEM_TRANSLATORS provided here.
 */
@Module({})
export class ConcurrencyModule extends ConfigurableModuleClass {
  static forRoot(options: typeof definition.OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  static forRootAsync(options: typeof definition.ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }
}

