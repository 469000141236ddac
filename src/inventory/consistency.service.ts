import { Injectable } from '@nestjs/common';
import { Transactional } from '@app/concurrency';
import type { AuthUser } from '../auth/auth-user';
import { AllocationRepository } from './allocation.repository';
import { ConsistencyReportDto, ConsistencyViolationDto } from './dto/consistency-report.dto';
import { ItemRepository } from './item.repository';
import { MovementRepository } from './movement.repository';

/** Audits the stock invariants of a tenant. */
@Injectable()
export class ConsistencyService {
  constructor(
    private readonly items: ItemRepository,
    private readonly movements: MovementRepository,
    private readonly allocations: AllocationRepository,
  ) {}

  /**
   * Checks, per item: quantityAvailable ≥ 0, quantityAvailable = Σ movements, quantityAllocated =
   * Σ open allocations, quantityOnHand = quantityAllocated + quantityAvailable, and that every stored quantity and sum is a safe integer — beyond 2^53
   * doubles round, so a receipt could vanish and the sums would still agree. The three reads run in one snapshot transaction, so a change committing
   * meanwhile can never show up as a false violation.
   */
  @Transactional()
  async check(actor: AuthUser): Promise<ConsistencyReportDto> {
    const { tenantId } = actor;
    const items = await this.items.quantities({ tenantId });
    const ledger = await this.movements.totalsByItem(tenantId);
    const reserved = await this.allocations.openTotalsByItem(tenantId);
    const violations: ConsistencyViolationDto[] = [];
    for (const item of items) {
      const id = item._id.toHexString();
      const add = (rule: string, expected: number, actual: number) => violations.push({ itemId: id, sku: item.sku, rule, expected, actual });
      const { quantityOnHand, quantityAllocated, quantityAvailable } = item;
      const movementSum = ledger.get(id) ?? 0;
      const openSum = reserved.get(id) ?? 0;
      for (const [name, value] of Object.entries({ quantityOnHand, quantityAllocated, quantityAvailable, movementSum, openSum })) {
        if (!Number.isSafeInteger(value)) add(`${name}-not-safe-integer`, Number.MAX_SAFE_INTEGER, value);
      }
      if (quantityAvailable < 0) add('quantityAvailable-negative', 0, quantityAvailable);
      if (movementSum !== quantityAvailable) add('quantityAvailable-vs-movements', movementSum, quantityAvailable);
      if (openSum !== quantityAllocated) add('quantityAllocated-vs-open-allocations', openSum, quantityAllocated);
      if (quantityAllocated + quantityAvailable !== quantityOnHand) {
        add('quantityOnHand-vs-allocated-plus-available', quantityAllocated + quantityAvailable, quantityOnHand);
      }
    }
    return { ok: violations.length === 0, itemsChecked: items.length, violations };
  }
}
