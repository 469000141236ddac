import { Module } from '@nestjs/common';
import { NaiveAllocationController } from './naive-allocation.controller';
import { NaiveAllocationService } from './naive-allocation.service';
import { NaiveStockRepository } from './naive-stock.repository';

/**
 * The deliberately unsafe `POST /inventory/items/:id/allocate-naive`: what goes wrong without
 * the guard. It lives outside src/, so `nest build` (and `npm start`) never contain it; only
 * `npm run bench` (bench/naive-app.ts) and the race suite (createTestContext({ extraModules }))
 * mount it, next to the real app on the same database.
 */
@Module({
  controllers: [NaiveAllocationController],
  providers: [NaiveStockRepository, NaiveAllocationService],
})
export class NaiveAllocationModule {}
