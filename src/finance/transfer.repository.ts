import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { Transfer, TransferRecord } from './transfer.schema';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';

/** Every mongoose call on finance_transfers (insert-only records, like the entries they explain). */
@Injectable()
export class TransferRepository extends TenantScopedRepository<Transfer, TransferRecord> {
  constructor(@InjectModel(Transfer.name) private readonly transfers: Model<Transfer>) {
    super(transfers);
  }

  async insert(transfer: Omit<Transfer, 'createdAt'> & { _id: Types.ObjectId }): Promise<TransferRecord> {
    return this.insertOne(transfer);
  }

  /** Several transfers in one command (a group-commit batch), in order. */
  insertMany(transfers: Array<Omit<Transfer, 'createdAt'> & { _id: Types.ObjectId }>): Promise<TransferRecord[]> {
    return this.insertAll(transfers);
  }

}
