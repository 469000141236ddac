import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '@app/problem-details';
import { formatSequence, InvalidStateError, SequencesService, Transactional } from '@app/concurrency';
import { CreateOrderDto } from './dto/create-order.dto';
import { PageQueryDto, pageWindow } from '../common/http/page-query.dto';
import { mapPage } from '../common/database/tenant-scoped.repository';
import { MoveStageDto } from './dto/move-stage.dto';
import { OrderDto, OrderPageDto } from './dto/order.dto';
import { UpdateOrderDto } from './dto/update-order.dto';
import { nextStage, OrderLine } from './order.schema';
import { OrderRepository } from './order.repository';
import type { AuthUser } from '../auth/auth-user';
import { itemKey, StockService } from './stock.service';

/** Sequence that numbers a tenant's sales orders. */
export const ORDER_SEQUENCE = 'sales-order';

/** Sales orders: numbered, allocated all-or-nothing, moved through job-card stages, cancelled once. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly stock: StockService,
    private readonly sequences: SequencesService,
  ) {}

  /**
   * Creates a confirmed order: draws the tenant's next number and allocates every line, all in
   * one transaction. A short or unknown line aborts it, so nothing is allocated and the
   * number is given back (numbers stay consecutive); the unique index (tenantId, orderNumber)
   * backs the sequence.
   */
  // Every order of a tenant draws from one sequence, and each line writes its item.
  @Transactional({ serializeOn: (actor: AuthUser, dto: CreateOrderDto) => [`order-number:${actor.tenantId}`, ...dto.lines.map((l) => itemKey(actor, l.itemId))] })
  async create(actor: AuthUser, dto: CreateOrderDto): Promise<OrderDto> {
    const value = await this.sequences.next({ scope: actor.tenantId, name: ORDER_SEQUENCE });
    const orderNumber = formatSequence({ prefix: 'SO', value });
    const orderId = this.orders.newId();
    const lines: OrderLine[] = [];
    // Sequential on purpose: a transaction's session runs one operation at a time; lines are bounded by the DTO.
    for (const [index, line] of dto.lines.entries()) {
      const { allocation, item } = await this.stock.reserve(actor, {
        itemId: line.itemId,
        quantity: line.quantity,
        orderReference: orderNumber,
        orderId,
        line: index,
      });
      lines.push({ itemId: item._id, sku: item.sku, quantity: line.quantity, allocationId: allocation._id });
    }
    const order = await this.orders.insert({
      _id: orderId,
      tenantId: actor.tenantId,
      orderNumber,
      customerName: dto.customerName,
      notes: dto.notes ?? '',
      status: 'confirmed',
      stage: 'queued',
      lines,
    });
    return OrderDto.from(order);
  }

  /** A page of the tenant's orders, newest first. */
  async list(actor: AuthUser, query: PageQueryDto): Promise<OrderPageDto> {
    return mapPage(await this.orders.page({ tenantId: actor.tenantId }, pageWindow(query), { _id: -1 }), (o) => OrderDto.from(o));
  }

  /** One order; another tenant's looks missing (404). */
  async get(actor: AuthUser, id: string): Promise<OrderDto> {
    const order = await this.orders.findOne({ _id: id, tenantId: actor.tenantId });
    if (!order) throw new NotFoundError('Order');
    return OrderDto.from(order);
  }

  /** Changes customerName / notes at the version the client read (If-Match). */
  async update(actor: AuthUser, id: string, expectedVersion: number, dto: UpdateOrderDto): Promise<OrderDto> {
    const { tenantId } = actor;
    const set = {
      ...(dto.customerName === undefined ? {} : { customerName: dto.customerName }),
      ...(dto.notes === undefined ? {} : { notes: dto.notes }),
    };
    if (Object.keys(set).length === 0) throw new ValidationFailedError([{ field: 'body', message: 'give at least one of customerName, notes' }]);
    return OrderDto.from(await this.orders.updateDetails({ _id: id, tenantId }, expectedVersion, set));
  }

  /**
   * Moves the job card one stage forward. `to` must be the stage right after `from` (else 400:
   * the request is wrong whatever the order's state); `from` must still be the order's stage
   * (else 409 `invalid-state` with `currentState`), so identical concurrent moves apply once.
   */
  async moveStage(actor: AuthUser, id: string, dto: MoveStageDto): Promise<OrderDto> {
    const { tenantId } = actor;
    if (nextStage(dto.from) !== dto.to) {
      const expected = nextStage(dto.from);
      throw new ValidationFailedError([
        { field: 'to', message: expected ? `from "${dto.from}" the only move is to "${expected}"` : `"${dto.from}" is the last stage` },
      ]);
    }
    try {
      return OrderDto.from(await this.orders.moveStage({ _id: id, tenantId }, dto.from, dto.to));
    } catch (error) {
      // The guard includes status = confirmed, so a cancelled order looks missing to it.
      if (!(error instanceof NotFoundError)) throw error;
      const order = await this.orders.findOne({ _id: id, tenantId });
      if (!order) throw error;
      throw new InvalidStateError({ currentState: order.status, detail: `The order is ${order.status}; its stage can no longer change.` });
    }
  }

  /**
   * Cancels a confirmed order and releases its allocations in the same transaction. The
   * guarded confirmed → cancelled transition makes it happen exactly once: every concurrent
   * or later cancel gets 409 `invalid-state`, so stock comes back once.
   */
  @Transactional()
  async cancel(actor: AuthUser, id: string): Promise<OrderDto> {
    const order = await this.orders.cancel({ _id: id, tenantId: actor.tenantId });
    // Sequential inside the transaction; bounded by the order's line count.
    for (const line of order.lines) await this.stock.releaseOne(actor, line.allocationId);
    return OrderDto.from(order);
  }
}
