import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/problem-details';
import { BatchOutcome, InvalidStateError, Propagation, Transactional, TransactionRunner } from '@app/concurrency';
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

/** The admission key of an item's quantities: writers of one item start one after another in this process. */
export function itemKey(actor: Pick<AuthUser, 'tenantId'>, itemId: string): string {
  return `item:${actor.tenantId}:${itemId}`;
}

/** One caller's allocation, as a group-commit batch sees it. */
interface AllocationRequest {
  actor: AuthUser;
  itemId: string;
  dto: AllocateStockDto;
}

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
    private readonly transactions: TransactionRunner,
  ) {}

  /** Adds received stock to the item (on hand and available) and records a `receipt` movement. */
  @Transactional({ serializeOn: (actor: AuthUser, itemId: string) => [itemKey(actor, itemId)] })
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

  /**
   * Reserves stock of one item: 409 `insufficient-stock` (with `available`) when there is not
   * enough free stock. Concurrent allocations of one item share one transaction (group
   * commit): each is decided in arrival order as if they ran one by one.
   */
  allocate(actor: AuthUser, itemId: string, dto: AllocateStockDto): Promise<AllocationDto> {
    return this.transactions.batch(itemKey(actor, itemId), { actor, itemId, dto }, (requests) => this.allocateBatch(requests), { name: 'StockService.allocate' });
  }

  /**
   * One batch of allocations of one item (one key: one tenant, one item), in one transaction.
   * Usually all fit and one guarded `$inc` takes them together; when the guard misses, one
   * read of the same snapshot decides each request in order and the `$inc` takes the ones
   * that fit. Then one allocation and one movement per granted request.
   */
  private async allocateBatch(requests: readonly AllocationRequest[]): Promise<Array<BatchOutcome<AllocationDto>>> {
    const { actor, itemId } = requests[0];
    const filter = { _id: itemId, tenantId: actor.tenantId };
    const wanted = requests.reduce((sum, r) => sum + r.dto.quantity, 0);
    let item = await this.items.adjustQuantities(filter, { onHand: 0, allocated: wanted, available: -wanted });
    let granted: readonly AllocationRequest[] = requests;
    const refused = new Map<AllocationRequest, BatchOutcome<AllocationDto>>();
    if (!item) {
      const current = await this.items.findOne(filter);
      // The detail never echoes the id: another tenant's item must look exactly like a missing one.
      if (!current) return requests.map(() => ({ ok: false, error: new NotFoundError('Item') }));
      let available = current.quantityAvailable;
      granted = requests.filter((r) => {
        if (r.dto.quantity <= available) {
          available -= r.dto.quantity;
          return true;
        }
        refused.set(r, { ok: false, error: new InsufficientStockError({ itemId, requested: r.dto.quantity, available }) });
        return false;
      });
      const total = wanted - requests.filter((r) => refused.has(r)).reduce((sum, r) => sum + r.dto.quantity, 0);
      if (total > 0) {
        item = await this.items.adjustQuantities(filter, { onHand: 0, allocated: total, available: -total });
        // The snapshot just said the stock is there: a miss means the invariant broke elsewhere.
        if (!item) throw new Error(`Item ${itemId}: the guarded allocation of ${total} missed right after its read.`);
      }
    }
    if (granted.length === 0) return requests.map((r) => refused.get(r)!);
    const allocations = await this.allocations.insertMany(
      granted.map((r) => ({ tenantId: actor.tenantId, itemId: item!._id, quantity: r.dto.quantity, orderReference: r.dto.orderReference, status: 'open' as const, createdBy: r.actor.userId })),
    );
    await this.movements.appendMany(
      allocations.map((a, i) => ({ tenantId: actor.tenantId, itemId: item!._id, type: 'allocation' as const, quantity: -a.quantity, reference: a.orderReference, allocationId: a._id, createdBy: granted[i].actor.userId })),
    );
    // What each request left, had they run one by one in this order.
    let remaining = item!.quantityAvailable + granted.reduce((sum, r) => sum + r.dto.quantity, 0);
    const answers = new Map(
      granted.map((r, i) => {
        remaining -= r.dto.quantity;
        return [r, { ok: true as const, value: AllocationDto.from(allocations[i], remaining) }];
      }),
    );
    return requests.map((r) => answers.get(r) ?? refused.get(r)!);
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
