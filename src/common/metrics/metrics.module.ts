import { DynamicModule, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';
import { MetricsTokenGuard } from './metrics-token.guard';

@Module({})
export class MetricsModule {
  /** On the API port by default; on a port of its own when METRICS_PORT is set. */
  static register(options: { ownPort: boolean }): DynamicModule {
    return options.ownPort
      ? { module: MetricsModule, providers: [MetricsServer], exports: [MetricsServer] }
      : { module: MetricsModule, controllers: [MetricsController], providers: [MetricsTokenGuard] };
  }
}
