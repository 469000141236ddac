import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/problem-details';
import { InvalidStateError, Propagation, Transactional } from '@app/concurrency';
import { Types } from 'mongoose';
import type { AuthUser } from '../auth/auth-user';
import { AllocationRecord } from './allocation.schema';
import { AllocationRepository } from './allocation.repository';
import { AllocationDto } from './dto/allocation.dto';
import { AllocateStockDto } from './dto/allocate-stock.dto';
import { ItemDto } from './dto/item.dto';
import { ReceiveStockDto } from './dto/receive-stock.dto';
import { InsufficientStockError } from './inventory.errors';
import { ItemRecord } from './item.schema';
import { ItemRepository } from './item.repository';
import { MovementRepository } from './movement.repository';

/** What {@link StockService.reserve} needs. */
export interface ReserveRequest {
  itemId: string;
  quantity: number;
  orderReference: string;
  orderId?: Types.ObjectId;
  /** Index of the order line, named in the 409 when this line is short. */
  line?: number;
}

/**
 * Every change of an item's quantities: receive, allocate, release. Each one is a guarded
 * atomic `$inc` on the item plus its ledger movement (and allocation), in one transaction,
 * so quantityAvailable = Σ movements ≥ 0, quantityAllocated = Σ open allocations and
 * quantityOnHand = quantityAllocated + quantityAvailable hold at every commit.
 */
@Injectable()
export class StockService {
  constructor(
    private readonly items: ItemRepository,
    private readonly movements: MovementRepository,
    private readonly allocations: AllocationRepository,
  ) {}

  /** Adds received stock to the item (on hand and available) and records a `receipt` movement. */
  @Transactional()
  async receive(actor: AuthUser, itemId: string, dto: ReceiveStockDto): Promise<ItemDto> {
    const item = await this.items.adjustQuantities({ _id: itemId, tenantId: actor.tenantId }, { onHand: dto.quantity, allocated: 0, available: dto.quantity });
    if (!item) throw new NotFoundError('Item');
    await this.movements.append({
      tenantId: actor.tenantId,
      itemId: item._id,
      type: 'receipt',
      quantity: dto.quantity,
      reference: dto.reference,
      createdBy: actor.userId,
    });
    return ItemDto.from(item);
  }

  /** Reserves stock of one item: 409 `insufficient-stock` (with `available`) when there is not enough free stock. */
  @Transactional()
  async allocate(actor: AuthUser, itemId: string, dto: AllocateStockDto): Promise<AllocationDto> {
    const { allocation, item } = await this.reserve(actor, { itemId, quantity: dto.quantity, orderReference: dto.orderReference });
    return AllocationDto.from(allocation, item.quantityAvailable);
  }

  /**
   * The allocation step shared by single allocations and order lines; runs inside the
   * caller's transaction so an order's lines commit all together or not at all.
   */
  @Transactional({ propagation: Propagation.MANDATORY })
  async reserve(actor: AuthUser, request: ReserveRequest): Promise<{ allocation: AllocationRecord; item: ItemRecord }> {
    const filter = { _id: request.itemId, tenantId: actor.tenantId };
    // THE race fix: "quantityAvailable ≥ quantity" and the decrement are one atomic update.
    const item = await this.items.adjustQuantities(filter, { onHand: 0, allocated: request.quantity, available: -request.quantity });
    if (!item) {
      // The guard missed: one read (same snapshot) tells a missing item from a short one.
      const current = await this.items.findOne(filter);
      // The detail never echoes the id: another tenant's item must look exactly like a missing one.
      if (!current) throw new NotFoundError('Item', request.line === undefined ? undefined : `Line ${request.line}: item not found.`);
      throw new InsufficientStockError({ itemId: request.itemId, requested: request.quantity, available: current.quantityAvailable, line: request.line });
    }
    const allocation = await this.allocations.insert({
      tenantId: actor.tenantId,
      itemId: item._id,
      quantity: request.quantity,
      orderReference: request.orderReference,
      ...(request.orderId ? { orderId: request.orderId } : {}),
      status: 'open',
      createdBy: actor.userId,
    });
    await this.movements.append({
      tenantId: actor.tenantId,
      itemId: item._id,
      type: 'allocation',
      quantity: -request.quantity,
      reference: request.orderReference,
      allocationId: allocation._id,
      ...(request.orderId ? { orderId: request.orderId } : {}),
      createdBy: actor.userId,
    });
    return { allocation, item };
  }

  /**
   * Releases a stand-alone allocation, exactly once (again → 409 `invalid-state`). An order's
   * allocations are released by cancelling the order, so the order never loses stock silently.
   */
  @Transactional()
  async release(actor: AuthUser, allocationId: string): Promise<AllocationDto> {
    // orderId is immutable, so reading it before the guarded transition cannot race.
    const current = await this.allocations.findOne({ _id: allocationId, tenantId: actor.tenantId });
    if (!current) throw new NotFoundError('Allocation');
    if (current.orderId) {
      throw new InvalidStateError({
        currentState: current.status,
        detail: 'This allocation belongs to a sales order; cancel the order to release it.',
        extensions: { orderId: current.orderId.toHexString() },
      });
    }
    const { allocation, item } = await this.releaseOne(actor, current._id);
    return AllocationDto.from(allocation, item.quantityAvailable);
  }

  /** open → released, stock back to available, `release` movement: inside the caller's transaction. */
  @Transactional({ propagation: Propagation.MANDATORY })
  async releaseOne(actor: AuthUser, allocationId: Types.ObjectId): Promise<{ allocation: AllocationRecord; item: ItemRecord }> {
    const allocation = await this.allocations.release({ _id: allocationId, tenantId: actor.tenantId });
    const item = await this.items.adjustQuantities(
      { _id: allocation.itemId, tenantId: actor.tenantId },
      { onHand: 0, allocated: -allocation.quantity, available: allocation.quantity },
    );
    // An open allocation is always counted in quantityAllocated; a miss means the invariant was
    // already broken elsewhere — fail (and roll back) rather than paper over it.
    if (!item) throw new Error(`Item ${allocation.itemId.toHexString()} does not hold the ${allocation.quantity} units allocation ${allocationId.toHexString()} reserved.`);
    await this.movements.append({
      tenantId: actor.tenantId,
      itemId: item._id,
      type: 'release',
      quantity: allocation.quantity,
      reference: allocation.orderReference,
      allocationId: allocation._id,
      ...(allocation.orderId ? { orderId: allocation.orderId } : {}),
      createdBy: actor.userId,
    });
    return { allocation, item };
  }
}
