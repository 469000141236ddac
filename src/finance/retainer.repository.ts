import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { withVersionBump } from '@app/concurrency';
import { Model, Types } from 'mongoose';
import { TenantFilter } from '../common/tenancy/tenant-filter';
import { MAX_MONEY } from './money';
import { Retainer, RetainerRecord } from './retainer.schema';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';

/** Every mongoose call on finance_retainers. */
@Injectable()
export class RetainerRepository extends TenantScopedRepository<Retainer, RetainerRecord> {
  constructor(@InjectModel(Retainer.name) private readonly retainers: Model<Retainer>) {
    super(retainers);
  }

  async create(retainer: { _id: Types.ObjectId; tenantId: string; clientName: string; currency: string; liabilityAccountId: Types.ObjectId }): Promise<RetainerRecord> {
    return this.insertOne({ ...retainer, balance: 0 });
  }


  /** Guarded atomic balance move; same contract as AccountRepository.applyDelta. */
  applyDelta(filter: TenantFilter<Retainer> & { _id: Types.ObjectId }, delta: number): Promise<RetainerRecord | null> {
    const guard = delta < 0 ? { balance: { $gte: -delta } } : { balance: { $lte: MAX_MONEY - delta } };
    return this.retainers
      .findOneAndUpdate({ ...filter, ...guard }, withVersionBump<Retainer>({ $inc: { balance: delta } }), { returnDocument: 'after' })
      .lean<RetainerRecord>()
      .exec();
  }

  /** Every retainer's balance (one query). */
  balances(filter: TenantFilter<Retainer>): Promise<Array<{ _id: Types.ObjectId; balance: number }>> {
    return this.retainers.find(filter).select({ _id: 1, balance: 1 }).lean<Array<{ _id: Types.ObjectId; balance: number }>>().exec();
  }
}
