import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/problem-details';
import { AllocateStockDto } from '../../src/inventory/dto/allocate-stock.dto';
import { AllocationDto } from '../../src/inventory/dto/allocation.dto';
import { InsufficientStockError } from '../../src/inventory/inventory.errors';
import type { AuthUser } from '../../src/auth/auth-user';
import { NaiveStockRepository } from './naive-stock.repository';

/**
 * DELIBERATELY UNSAFE — the audit's bug, kept as a baseline for the bench and the race suite
 * (never in the app's build). Reads the item, checks the quantity in JavaScript, then writes the
 * result back with no guard and no transaction: concurrent requests all pass the check
 * against the same stale read and oversell. Compare StockService.allocate.
 */
@Injectable()
export class NaiveAllocationService {
  constructor(private readonly naive: NaiveStockRepository) {}

  /** UNSAFE read-check-write allocation. Do not copy. */
  async allocate(actor: AuthUser, itemId: string, dto: AllocateStockDto): Promise<AllocationDto> {
    const filter = { _id: itemId, tenantId: actor.tenantId };
    const item = await this.naive.findItem(filter);
    if (!item) throw new NotFoundError('Item');
    // UNSAFE: the check runs on a read that concurrent requests are about to invalidate.
    if (item.quantityAvailable < dto.quantity) {
      throw new InsufficientStockError({ itemId, requested: dto.quantity, available: item.quantityAvailable });
    }
    const allocation = await this.naive.insertAllocation({
      tenantId: actor.tenantId,
      itemId: item._id,
      quantity: dto.quantity,
      orderReference: dto.orderReference,
      status: 'open',
      createdBy: actor.userId,
    });
    await this.naive.appendMovement({
      tenantId: actor.tenantId,
      itemId: item._id,
      type: 'allocation',
      quantity: -dto.quantity,
      reference: dto.orderReference,
      allocationId: allocation._id,
      createdBy: actor.userId,
    });
    // UNSAFE: blind overwrite computed from the stale read (lost update).
    await this.naive.overwriteQuantities(filter, item.quantityAllocated + dto.quantity, item.quantityAvailable - dto.quantity);
    return AllocationDto.from(allocation, item.quantityAvailable - dto.quantity);
  }
}
