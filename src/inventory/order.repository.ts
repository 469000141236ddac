import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { transition, updateVersioned } from '@app/concurrency';
import { Model, Types } from 'mongoose';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import { Order, OrderRecord, OrderStage, OrderStatus } from './order.schema';

/** The only place that talks to the orders collection. */
@Injectable()
export class OrderRepository extends TenantScopedRepository<Order, OrderRecord> {
  constructor(@InjectModel(Order.name) private readonly orders: Model<Order>) {
    super(orders);
  }

  /** An id for an order about to be created (its allocations point at it before it is inserted). */
  newId(): Types.ObjectId {
    return new Types.ObjectId();
  }

  async insert(order: Omit<Order, 'version'> & { _id: Types.ObjectId }): Promise<OrderRecord> {
    return this.insertOne(order);
  }

  async exists(filter: TenantFilter<Order>): Promise<boolean> {
    return (await this.orders.exists(filter).exec()) !== null;
  }

  /** Descriptive fields under If-Match: 404 / 412 are decided by updateVersioned. */
  updateDetails(filter: TenantFilter<Order>, expectedVersion: number, set: Partial<Pick<Order, 'customerName' | 'notes'>>): Promise<OrderRecord> {
    return updateVersioned(this.orders, { filter, expectedVersion, update: { $set: set }, resource: 'Order' }) as Promise<OrderRecord>;
  }

  /**
   * stage `from` → `to` on a confirmed order, one guarded update: of identical concurrent
   * moves exactly one matches; the rest get 409 `invalid-state` (a cancelled order looks
   * missing here, the caller tells the two apart).
   */
  moveStage(filter: TenantFilter<Order>, from: OrderStage, to: OrderStage): Promise<OrderRecord> {
    return transition<Order, OrderStage>(this.orders, {
      filter: { ...filter, status: 'confirmed' },
      field: 'stage',
      from: [from],
      to,
      resource: 'Order',
    }) as Promise<OrderRecord>;
  }

  /** confirmed → cancelled, one guarded update: the "exactly once" of a cancel. */
  cancel(filter: TenantFilter<Order>): Promise<OrderRecord> {
    return transition<Order, OrderStatus>(this.orders, {
      filter,
      from: ['confirmed'],
      to: 'cancelled',
      set: { cancelledAt: new Date() },
      resource: 'Order',
    }) as Promise<OrderRecord>;
  }
}
