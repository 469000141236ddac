import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import mongoose, { Connection } from 'mongoose';
import { AppConfigService } from '../config/app-config.service';
import { withTenancy } from '../tenancy/tenant-owned.plugin';
import { embeddedDbPath, startEmbeddedMongo, stopEmbeddedMongo } from './embedded-mongo';
import { IndexGateGuard } from './index-gate.guard';
import { IndexSync } from './index-sync.service';

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
        uri:
          config.get('MONGODB_URI') ||
          (await startEmbeddedMongo(embeddedDbPath({ NODE_ENV: config.get('NODE_ENV'), MONGODB_EMULATOR_DBPATH: config.get('MONGODB_EMULATOR_DBPATH') }))),
        // Transactions and snapshot reads need the primary; majority makes commits durable
        // on a real replica set.
        readPreference: 'primary',
        writeConcern: { w: 'majority' },
        // The drivers' retryable reads and writes: one retry after a network error or a step-down.
        retryWrites: true,
        retryReads: true,
        // IndexSync builds them (at boot, and again whenever the database may have been replaced).
        autoIndex: false,
        // An unreachable database answers 503 within this, instead of the driver's 30 s.
        serverSelectionTimeoutMS: config.get('MONGODB_SERVER_SELECTION_TIMEOUT_MS'),
        connectTimeoutMS: config.get('MONGODB_SERVER_SELECTION_TIMEOUT_MS'),
        // Hand every operation to the driver even while disconnected: it waits for a primary
        // (bounded above) and reconnects by itself; mongoose's own buffer would hold requests
        // for its 10 s and then fail with an error nobody can classify.
        bufferCommands: false,
        // Test suites count the queries a request sends (e.g. "the dashboard answers with a
        // bounded number of queries") through the driver's command monitoring.
        monitorCommands: config.get('NODE_ENV') === 'test',
        connectionFactory: (connection: Connection) => {
          // Bounds how long a query waits on the server (mongoose applies it to finds,
          // find-and-modify and aggregations): a lock held by a dead instance's transaction
          // then costs a 503 after this, not the server's transaction lifetime.
          connection.set('maxTimeMS', config.get('MONGODB_OPERATION_TIMEOUT_MS'));
          // Before any model compiles: every schema is tenant-owned unless opted out by name.
          return withTenancy(connection);
        },
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
