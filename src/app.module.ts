import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ClsModule } from 'nestjs-cls';
import { ConcurrencyModule, EtagInterceptor, ProblemDetailsFilter } from '@app/concurrency';
import { EventsModule } from './events/events.module';
import { AppConfigModule } from './common/config/config.module';
import { validateEnvironment } from './common/config/environment';
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
    // The same validation the ConfigModule runs; needed here because the toolkit's options are static.
    const env = validateEnvironment(process.env);
    return {
      module: AppModule,
      imports: [
        AppConfigModule,
        LoggingModule,
        ClsModule.forRoot({ global: true, middleware: { mount: true } }),
        DatabaseModule,
        ConcurrencyModule.forRoot({
          outbox: { pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS, retentionSeconds: env.OUTBOX_RETENTION_SECONDS, maxAttempts: env.OUTBOX_MAX_ATTEMPTS },
        }),
        HealthModule,
        MetricsModule,
        ...DOMAIN_MODULES,
        ...(options.extraModules ?? []),
      ],
      providers: [
        // Order matters: operator-injection keys are rejected before validation sees the body.
        { provide: APP_INTERCEPTOR, useClass: ForbiddenKeysInterceptor },
        { provide: APP_INTERCEPTOR, useClass: EtagInterceptor },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
