import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MongoThrottlerStorage } from './mongo-throttler.storage';
import { ThrottleCounter, ThrottleCounterSchema } from './throttle-counter.schema';
import { ThrottleCountersRepository } from './throttle-counters.repository';

/** The shared rate-limit counters, imported by ThrottlerModule.forRootAsync (which builds the guard's options). */
@Module({
  imports: [MongooseModule.forFeature([{ name: ThrottleCounter.name, schema: ThrottleCounterSchema }])],
  providers: [ThrottleCountersRepository, MongoThrottlerStorage],
  exports: [MongoThrottlerStorage],
})
export class ThrottleStorageModule {}
