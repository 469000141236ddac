import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { transition, updateVersioned } from '@app/concurrency';
import { Model, Types } from 'mongoose';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import type { PageWindow } from '../common/http/page-query.dto';
import { Order, OrderRecord, OrderStage, OrderStatus } from './order.schema';

/** The only place that talks to the orders collection. */
@Injectable()
export class OrderRepository {
  constructor(@InjectModel(Order.name) private readonly orders: Model<Order>) {}

  /** An id for an order about to be created (its allocations point at it before it is inserted). */
  newId(): Types.ObjectId {
    return new Types.ObjectId();
  }

  async insert(order: Omit<Order, 'version'> & { _id: Types.ObjectId }): Promise<OrderRecord> {
    const [created] = await this.orders.create([order]);
    return created.toObject() as unknown as OrderRecord;
  }

  findOne(filter: TenantFilter<Order>): Promise<OrderRecord | null> {
    return this.orders.findOne(filter).lean<OrderRecord>().exec();
  }

  async exists(filter: TenantFilter<Order>): Promise<boolean> {
    return (await this.orders.exists(filter).exec()) !== null;
  }

  /** One page (newest first) and the total; call inside a transaction so both share a snapshot. */
  async page(filter: TenantFilter<Order>, window: PageWindow): Promise<{ items: OrderRecord[]; total: number }> {
    const items = await this.orders
      .find(filter)
      .sort({ _id: -1 })
      .skip((window.page - 1) * window.pageSize)
      .limit(window.pageSize)
      .lean<OrderRecord[]>()
      .exec();
    const total = await this.orders.countDocuments(filter).exec();
    return { items, total };
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
