import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AllocationRepository } from './allocation.repository';
import { Allocation, AllocationSchema } from './allocation.schema';
import { AllocationsController } from './allocations.controller';
import { ConsistencyController } from './consistency.controller';
import { ConsistencyService } from './consistency.service';
import { ItemRepository } from './item.repository';
import { Item, ItemSchema } from './item.schema';
import { ItemsController } from './items.controller';
import { ItemsService } from './items.service';
import { MovementRepository } from './movement.repository';
import { Movement, MovementSchema } from './movement.schema';
import { OrderLookupService } from './order-lookup.service';
import { OrderRepository } from './order.repository';
import { Order, OrderSchema } from './order.schema';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { StockService } from './stock.service';

/**
 * Inventory: items, the append-only stock ledger, allocations, sales orders with job-card
 * stages. Exports only OrderLookupService: other modules never touch inventory collections.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Item.name, schema: ItemSchema },
      { name: Movement.name, schema: MovementSchema },
      { name: Allocation.name, schema: AllocationSchema },
      { name: Order.name, schema: OrderSchema },
    ]),
  ],
  controllers: [ItemsController, AllocationsController, OrdersController, ConsistencyController],
  providers: [
    ItemRepository,
    MovementRepository,
    AllocationRepository,
    OrderRepository,
    ItemsService,
    StockService,
    OrdersService,
    ConsistencyService,
    OrderLookupService,
  ],
  exports: [OrderLookupService],
})
export class InventoryModule {}
