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

/** What {@link StockService.reserve} needs. */
export interface ReserveRequest {
  itemId: string;
  quantity: number;
  orderReference: string;
  orderId?: Types.ObjectId;
  /** Index of the order line, named in the 409 when this line is short. */
  line?: number;
}

/** One reservation of a batch: who asks, and for what (one batch: one tenant, one item). */
interface Reserving {
  actor: AuthUser;
  request: ReserveRequest;
}

/** A granted reservation: its allocation, the item after the batch, and what this one left available. */
export interface Reservation {
  allocation: AllocationRecord;
  item: ItemRecord;
  remaining: number;
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
  async allocate(actor: AuthUser, itemId: string, dto: AllocateStockDto): Promise<AllocationDto> {
    const request = { itemId, quantity: dto.quantity, orderReference: dto.orderReference };
    const { allocation, remaining } = await this.transactions.batch(itemKey(actor, itemId), { actor, request }, (batch) => this.reserveAll(batch), { name: 'StockService.allocate' });
    return AllocationDto.from(allocation, remaining);
  }

  /** One order line's reservation, inside the order's transaction: its lines commit all together or not at all. */
  @Transactional({ propagation: Propagation.MANDATORY })
  async reserve(actor: AuthUser, request: ReserveRequest): Promise<Reservation> {
    const [outcome] = await this.reserveAll([{ actor, request }]);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /**
   * Reservations of one item (one tenant), in the caller's transaction, decided in order as
   * if made one by one. THE race fix: "quantityAvailable ≥ quantity" and the decrement are
   * one atomic update — usually one guarded `$inc` takes them all; when it misses, one read
   * of the same snapshot decides each request in order (404, or 409 with the `available` it
   * saw) and the `$inc` takes the ones that fit. Then one allocation and one movement each.
   */
  @Transactional({ propagation: Propagation.MANDATORY })
  private async reserveAll(batch: readonly Reserving[]): Promise<Array<BatchOutcome<Reservation>>> {
    const { actor, request: first } = batch[0];
    const filter = { _id: first.itemId, tenantId: actor.tenantId };
    const wanted = batch.reduce((sum, b) => sum + b.request.quantity, 0);
    let item = await this.items.adjustQuantities(filter, { onHand: 0, allocated: wanted, available: -wanted });
    let granted = batch;
    const refused = new Map<Reserving, BatchOutcome<Reservation>>();
    if (!item) {
      const current = await this.items.findOne(filter);
      // The detail never echoes the id: another tenant's item must look exactly like a missing one.
      if (!current) return batch.map(({ request: r }) => ({ ok: false, error: new NotFoundError('Item', r.line === undefined ? undefined : `Line ${r.line}: item not found.`) }));
      let available = current.quantityAvailable;
      granted = batch.filter((b) => {
        const r = b.request;
        if (r.quantity <= available) {
          available -= r.quantity;
          return true;
        }
        refused.set(b, { ok: false, error: new InsufficientStockError({ itemId: r.itemId, requested: r.quantity, available, line: r.line }) });
        return false;
      });
      const total = granted.reduce((sum, b) => sum + b.request.quantity, 0);
      if (total > 0) {
        item = await this.items.adjustQuantities(filter, { onHand: 0, allocated: total, available: -total });
        // The snapshot just said the stock is there: a miss means the invariant broke elsewhere.
        if (!item) throw new Error(`Item ${first.itemId}: the guarded allocation of ${total} missed right after its read.`);
      }
    }
    if (!item || granted.length === 0) return batch.map((b) => refused.get(b)!);
    const itemId = item._id;
    const optional = (r: ReserveRequest) => (r.orderId ? { orderId: r.orderId } : {});
    const allocations = await this.allocations.insertMany(
      granted.map(({ actor: a, request: r }) => ({ tenantId: actor.tenantId, itemId, quantity: r.quantity, orderReference: r.orderReference, ...optional(r), status: 'open' as const, createdBy: a.userId })),
    );
    await this.movements.appendMany(
      granted.map(({ actor: a, request: r }, i) => ({ tenantId: actor.tenantId, itemId, type: 'allocation' as const, quantity: -r.quantity, reference: r.orderReference, allocationId: allocations[i]._id, ...optional(r), createdBy: a.userId })),
    );
    // What each request left, had they run one by one in this order.
    let remaining = item.quantityAvailable + granted.reduce((sum, b) => sum + b.request.quantity, 0);
    const answers = new Map(
      granted.map((b, i) => {
        remaining -= b.request.quantity;
        return [b, { ok: true as const, value: { allocation: allocations[i], item: item!, remaining } }];
      }),
    );
    return batch.map((b) => answers.get(b) ?? refused.get(b)!);
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
