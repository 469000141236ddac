import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, Types } from 'mongoose';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';
import { Movement, MovementRecord } from './movement.schema';

/** The stock ledger: append and read only — there is deliberately no update or delete here. */
@Injectable()
export class MovementRepository extends TenantScopedRepository<Movement, MovementRecord> {
  constructor(@InjectModel(Movement.name) private readonly movements: Model<Movement>) {
    super(movements);
  }

  async append(movement: Movement): Promise<MovementRecord> {
    return this.insertOne(movement);
  }

  /** Several movements in one command (a group-commit batch), in order. */
  async appendMany(movements: Movement[]): Promise<void> {
    await this.insertAll(movements);
  }

  /** Σ quantity per item of one tenant. */
  async totalsByItem(tenantId: string): Promise<Map<string, number>> {
    const rows = await this.movements
      .aggregate<{ _id: Types.ObjectId; total: number }>([{ $match: { tenantId } }, { $group: { _id: '$itemId', total: { $sum: '$quantity' } } }])
      .exec();
    return new Map(rows.map((r) => [r._id.toHexString(), r.total]));
  }
}
