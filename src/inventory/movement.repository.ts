import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, Types } from 'mongoose';
import type { TenantFilter } from '../common/tenancy/tenant-filter';
import type { PageWindow } from '../common/http/page-query.dto';
import { Movement, MovementRecord } from './movement.schema';

/** The stock ledger: append and read only — there is deliberately no update or delete here. */
@Injectable()
export class MovementRepository {
  constructor(@InjectModel(Movement.name) private readonly movements: Model<Movement>) {}

  async append(movement: Movement): Promise<MovementRecord> {
    const [created] = await this.movements.create([movement]);
    return created.toObject() as unknown as MovementRecord;
  }

  /** One page (oldest first) and the total; call inside a transaction so both share a snapshot. */
  async page(filter: TenantFilter<Movement>, window: PageWindow): Promise<{ items: MovementRecord[]; total: number }> {
    const items = await this.movements
      .find(filter)
      .sort({ _id: 1 })
      .skip((window.page - 1) * window.pageSize)
      .limit(window.pageSize)
      .lean<MovementRecord[]>()
      .exec();
    const total = await this.movements.countDocuments(filter).exec();
    return { items, total };
  }

  /** Σ quantity per item of one tenant. */
  async totalsByItem(tenantId: string): Promise<Map<string, number>> {
    const rows = await this.movements
      .aggregate<{ _id: Types.ObjectId; total: number }>([{ $match: { tenantId } }, { $group: { _id: '$itemId', total: { $sum: '$quantity' } } }])
      .exec();
    return new Map(rows.map((r) => [r._id.toHexString(), r.total]));
  }
}
