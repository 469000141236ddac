import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { TenantFilter } from '../common/tenancy/tenant-filter';
import { Transfer, TransferRecord } from './transfer.schema';

/** Every mongoose call on finance_transfers (insert-only records, like the entries they explain). */
@Injectable()
export class TransferRepository {
  constructor(@InjectModel(Transfer.name) private readonly transfers: Model<Transfer>) {}

  async insert(transfer: Omit<Transfer, 'createdAt'> & { _id: Types.ObjectId }): Promise<TransferRecord> {
    const [created] = await this.transfers.create([transfer]);
    return created.toObject() as TransferRecord;
  }

  findOne(filter: TenantFilter<Transfer>): Promise<TransferRecord | null> {
    return this.transfers.findOne(filter).lean<TransferRecord>().exec();
  }
}
