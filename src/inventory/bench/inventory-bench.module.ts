import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { validateEnvironment } from '../../common/config/environment';
import { Allocation, AllocationSchema } from '../allocation.schema';
import { Item, ItemSchema } from '../item.schema';
import { Movement, MovementSchema } from '../movement.schema';
import { NaiveAllocationController } from './naive-allocation.controller';
import { NaiveStockRepository } from './naive-stock.repository';
import { NaiveAllocationService } from './naive-allocation.service';

/**
 * Bench-only, deliberately unsafe routes. Registered (via ConditionalModule) only when
 * BENCH_ROUTES is on and NODE_ENV is not production — read with the app's own environment
 * rules, so "1"/"true" mean the same here as in AppConfigService.
 */
export function benchRoutesEnabled(env: Record<string, unknown>): boolean {
  const parsed = validateEnvironment(env);
  return parsed.BENCH_ROUTES && parsed.NODE_ENV !== 'production';
}

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Item.name, schema: ItemSchema },
      { name: Movement.name, schema: MovementSchema },
      { name: Allocation.name, schema: AllocationSchema },
    ]),
  ],
  controllers: [NaiveAllocationController],
  providers: [NaiveStockRepository, NaiveAllocationService],
})
export class InventoryBenchModule {}
