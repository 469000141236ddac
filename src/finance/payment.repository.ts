import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { transition } from '@app/concurrency';
import { Model, Types } from 'mongoose';
import { TenantFilter } from '../common/tenancy/tenant-filter';
import { Payment, PaymentRecord, PaymentStatus } from './payment.schema';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';

/** Every mongoose call on finance_payments. */
@Injectable()
export class PaymentRepository extends TenantScopedRepository<Payment, PaymentRecord> {
  constructor(@InjectModel(Payment.name) private readonly payments: Model<Payment>) {
    super(payments);
  }

  async insert(payment: Omit<Payment, 'createdAt' | 'updatedAt' | 'version' | 'status'> & { _id: Types.ObjectId }): Promise<PaymentRecord> {
    return this.insertOne({ ...payment, status: 'pending' });
  }


  /**
   * pending → completed as one guarded update: of concurrent completions exactly one
   * matches `status: 'pending'`; the others get 409 `invalid-state` (404 if absent).
   */
  complete(filter: TenantFilter<Payment> & { _id: Types.ObjectId }, entryId: Types.ObjectId): Promise<PaymentRecord> {
    return transition<Payment, PaymentStatus>(this.payments, {
      filter,
      from: ['pending'],
      to: 'completed',
      set: { entryId, completedAt: new Date() },
      resource: 'Payment',
    });
  }

  /** pending → cancelled, guarded the same way. */
  cancel(filter: TenantFilter<Payment> & { _id: Types.ObjectId }): Promise<PaymentRecord> {
    return transition<Payment, PaymentStatus>(this.payments, {
      filter,
      from: ['pending'],
      to: 'cancelled',
      set: { cancelledAt: new Date() },
      resource: 'Payment',
    });
  }

  /** Ids of the completed payments (one query; the reconciliation joins them in memory). */
  completedIds(tenantId: string): Promise<Array<{ _id: Types.ObjectId }>> {
    return this.payments.find({ tenantId, status: 'completed' }).select({ _id: 1 }).lean<Array<{ _id: Types.ObjectId }>>().exec();
  }
}
