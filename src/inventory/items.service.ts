import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '@app/problem-details';
import { Transactional } from '@app/concurrency';
import { Types } from 'mongoose';
import { CreateItemDto } from './dto/create-item.dto';
import { ItemDto, ItemPageDto } from './dto/item.dto';
import { PageQueryDto, pageWindow } from '../common/http/page-query.dto';
import { mapPage } from '../common/database/tenant-scoped.repository';
import { MovementDto, MovementPageDto } from './dto/movement.dto';
import { UpdateItemDto } from './dto/update-item.dto';
import { ItemRepository } from './item.repository';
import { MovementRepository } from './movement.repository';
import type { AuthUser } from '../auth/auth-user';

/** Items: create (with the opening movement), read, rename; quantities move only through StockService. */
@Injectable()
export class ItemsService {
  constructor(
    private readonly items: ItemRepository,
    private readonly movements: MovementRepository,
  ) {}

  /**
   * Creates an item and its `opening` movement in one transaction (the ledger starts where the
   * item starts). A second item with the same SKU loses on the unique index → 409 `duplicate`.
   */
  @Transactional()
  async create(actor: AuthUser, dto: CreateItemDto): Promise<ItemDto> {
    const item = await this.items.insert({
      tenantId: actor.tenantId,
      sku: dto.sku,
      name: dto.name,
      unit: dto.unit ?? 'pcs',
      quantityOnHand: dto.quantityOnHand,
      quantityAllocated: 0,
      quantityAvailable: dto.quantityOnHand,
    });
    await this.movements.append({
      tenantId: actor.tenantId,
      itemId: item._id,
      type: 'opening',
      quantity: dto.quantityOnHand,
      reference: 'opening balance',
      createdBy: actor.userId,
    });
    return ItemDto.from(item);
  }

  /** A page of the tenant's items, oldest first. */
  async list(actor: AuthUser, query: PageQueryDto): Promise<ItemPageDto> {
    return mapPage(await this.items.page({ tenantId: actor.tenantId }, pageWindow(query), { _id: 1 }), (i) => ItemDto.from(i));
  }

  /** One item; another tenant's looks missing (404). */
  async get(actor: AuthUser, id: string): Promise<ItemDto> {
    const item = await this.items.findOne({ _id: id, tenantId: actor.tenantId });
    if (!item) throw new NotFoundError('Item');
    return ItemDto.from(item);
  }

  /** Renames / re-units an item at the version the client read (If-Match). */
  async update(actor: AuthUser, id: string, expectedVersion: number, dto: UpdateItemDto): Promise<ItemDto> {
    const { tenantId } = actor;
    const set = { ...(dto.name === undefined ? {} : { name: dto.name }), ...(dto.unit === undefined ? {} : { unit: dto.unit }) };
    if (Object.keys(set).length === 0) throw new ValidationFailedError([{ field: 'body', message: 'give at least one of name, unit' }]);
    return ItemDto.from(await this.items.updateDetails({ _id: id, tenantId }, expectedVersion, set));
  }

  /** A page of one item's ledger, oldest first (items are never deleted, so the check cannot go stale). */
  async movementsOf(actor: AuthUser, id: string, query: PageQueryDto): Promise<MovementPageDto> {
    const { tenantId } = actor;
    const item = await this.items.findOne({ _id: id, tenantId });
    if (!item) throw new NotFoundError('Item');
    return mapPage(await this.movements.page({ tenantId, itemId: new Types.ObjectId(id) }, pageWindow(query), { _id: 1 }), (m) => MovementDto.from(m));
  }
}
