import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';
import { ProblemDetailsFilter } from '@app/problem-details';
import { ConcurrencyModule, ETagInterceptor } from '@app/concurrency';
import { EventsModule } from './events/events.module';
import { AppConfigModule } from './common/config/config.module';
import { AppConfigService } from './common/config/app-config.service';
import { DatabaseModule } from './common/database/database.module';
import { HealthModule } from './common/health/health.module';
import { ForbiddenKeysInterceptor } from './common/http/forbidden-keys.interceptor';
import { createValidationPipe } from './common/http/validation.pipe';
import { LoggingModule } from './common/logging/logging.module';
import { MetricsModule } from './common/metrics/metrics.module';
import { AuthModule } from './auth/auth.module';
import { FinanceModule } from './finance/finance.module';
import { TenantsModule } from './tenants/tenants.module';
import { UsersModule } from './users/users.module';
import { DocumentsModule } from './documents/documents.module';
import { NotificationsModule } from './notifications/notifications.module';
import { SettingsModule } from './settings/settings.module';
import { InventoryModule } from './inventory/inventory.module';
import { PayrollModule } from './payroll/payroll.module';
import { VersioningModule } from './versioning/versioning.module';

/** Domain modules, in dependency order. */
const DOMAIN_MODULES: Type[] = [EventsModule, TenantsModule, UsersModule, AuthModule, DocumentsModule, SettingsModule, NotificationsModule, InventoryModule, FinanceModule, PayrollModule, VersioningModule];

/** Options for tests and tools that need extra modules (e.g. diagnostics routes). */
export interface AppModuleOptions {
  extraModules?: Type[];
}

@Module({})
export class AppModule {
  static register(options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule,
        LoggingModule,
        // No middleware (that would bring Express-style middie into every request): the
        // request's context is entered by a Fastify onRequest hook (app.factory.ts).
        ClsModule.forRoot({ global: true }),
        DatabaseModule,
        ConcurrencyModule.forRootAsync({
          inject: [AppConfigService],
          useFactory: (config: AppConfigService) => ({
            outbox: {
              pollIntervalMs: config.get('OUTBOX_POLL_INTERVAL_MS'),
              retentionSeconds: config.get('OUTBOX_RETENTION_SECONDS'),
              maxAttempts: config.get('OUTBOX_MAX_ATTEMPTS'),
            },
          }),
        }),
        HealthModule,
        // Which routes exist is decided before the config service exists; the value itself is
        // validated with the rest of the environment (AppConfigModule).
        MetricsModule.register({ ownPort: !!process.env.METRICS_PORT }),
        ...DOMAIN_MODULES,
        ...(options.extraModules ?? []),
      ],
      providers: [
        // Order matters: operator-injection keys are rejected before validation sees the body.
        { provide: APP_INTERCEPTOR, useClass: ForbiddenKeysInterceptor },
        { provide: APP_INTERCEPTOR, useClass: ETagInterceptor },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
