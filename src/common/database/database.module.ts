import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import mongoose, { Connection } from 'mongoose';
import { AppConfigService } from '../config/app-config.service';
import { startEmbeddedMongo, stopEmbeddedMongo } from './embedded-mongo';
import { IndexGateGuard } from './index-gate.guard';
import { IndexSync } from './index-sync.service';

// Every mongoose call inside a transaction joins it without a session argument
// (libs/concurrency relies on this); it must be set before the first connection.
mongoose.set('transactionAsyncLocalStorage', true);
// Queries never silently drop unknown filter keys: a typo must not widen a filter.
mongoose.set('strictQuery', 'throw');

/**
 * The database connection: MONGODB_URI when set (a real replica set — the production
 * path), otherwise the embedded emulator, started inside this process. The indexes of every
 * model are kept in place by {@link IndexSync}; requests wait behind {@link IndexGateGuard}
 * (503) while they are rebuilt.
 */
@Global()
@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: async (config: AppConfigService) => ({
        // `||`: an empty MONGODB_URI (as in .env.example) means unset.
        uri: config.get('MONGODB_URI') || (await startEmbeddedMongo()),
        // Transactions and snapshot reads need the primary; majority makes commits durable
        // on a real replica set.
        readPreference: 'primary',
        writeConcern: { w: 'majority' },
        retryWrites: true,
        // IndexSync builds them (at boot, and again whenever the database may have been replaced).
        autoIndex: false,
        serverSelectionTimeoutMS: 10_000,
        // Test suites count the queries a request sends (e.g. "the dashboard answers with a
        // bounded number of queries") through the driver's command monitoring.
        monitorCommands: config.get('NODE_ENV') === 'test',
      }),
    }),
  ],
  providers: [IndexSync, { provide: APP_GUARD, useClass: IndexGateGuard }],
  exports: [IndexSync],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(getConnectionToken()) private readonly connection: Connection) {}

  async onApplicationShutdown(): Promise<void> {
    // Close our side first so the emulator does not see half-open sockets, then stop it.
    await this.connection.close().catch(() => undefined);
    await stopEmbeddedMongo();
  }
}
