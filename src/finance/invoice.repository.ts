import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { transition, withPipelineVersionBump } from '@app/concurrency';
import { Model, Types } from 'mongoose';
import { TenantScopedRepository } from '../common/database/tenant-scoped.repository';
import { TenantFilter } from '../common/tenancy/tenant-filter';
import { MAX_REPORTED } from './journal-entry.repository';
import { Invoice, InvoiceRecord, InvoiceStatus, LIVE_INVOICE_STATUSES, PAYABLE_INVOICE_STATUSES } from './invoice.schema';

/** Every mongoose call on finance_invoices. */
@Injectable()
export class InvoiceRepository extends TenantScopedRepository<Invoice, InvoiceRecord> {
  constructor(@InjectModel(Invoice.name) private readonly invoices: Model<Invoice>) {
    super(invoices);
  }

  /** Inserts; the unique indexes (number, live order) decide duplicates — E11000 propagates. */
  async insert(invoice: Omit<Invoice, 'createdAt' | 'updatedAt' | 'version' | 'amountPaid' | 'status'> & { _id: Types.ObjectId }): Promise<InvoiceRecord> {
    return this.insertOne({ ...invoice, amountPaid: 0, status: 'issued' });
  }

  /** The live (not void) invoice of an order, if any. */
  findLiveForOrder(tenantId: string, orderId: Types.ObjectId): Promise<InvoiceRecord | null> {
    return this.invoices.findOne({ tenantId, orderId, status: { $in: LIVE_INVOICE_STATUSES } }).lean<InvoiceRecord>().exec();
  }

  /** issued → void, only while nothing is paid, at the version the client read (If-Match). */
  voidUnpaid(filter: TenantFilter<Invoice> & { _id: Types.ObjectId }, expectedVersion: number): Promise<InvoiceRecord> {
    return transition<Invoice, InvoiceStatus>(this.invoices, {
      filter,
      from: ['issued'],
      to: 'void',
      set: { voidedAt: new Date() },
      expectedVersion,
      resource: 'Invoice',
    });
  }

  /**
   * Applies a payment in one atomic update whose filter states the invariant: the invoice is
   * payable and amountPaid + amount ≤ total. The status follows from the new amountPaid in
   * the same update (pipeline), so no reader ever sees amountPaid and status disagree.
   * Returns null on a miss; the caller decides 404 / 409 with one read.
   */
  applyPayment(filter: TenantFilter<Invoice> & { _id: Types.ObjectId }, amount: number): Promise<InvoiceRecord | null> {
    return this.invoices
      .findOneAndUpdate(
        {
          ...filter,
          status: { $in: PAYABLE_INVOICE_STATUSES },
          $expr: { $lte: [{ $add: ['$amountPaid', amount] }, '$total'] },
        },
        withPipelineVersionBump([
          { $set: { amountPaid: { $add: ['$amountPaid', amount] } } },
          { $set: { status: { $cond: [{ $eq: ['$amountPaid', '$total'] }, 'paid', 'partially-paid'] } } },
        ]),
        { returnDocument: 'after', updatePipeline: true },
      )
      .lean<InvoiceRecord>()
      .exec();
  }

  /** Invoices whose amountPaid exceeds the total (capped). */
  overpaid(tenantId: string): Promise<Array<{ _id: Types.ObjectId; total: number; amountPaid: number }>> {
    return this.invoices
      .aggregate<{ _id: Types.ObjectId; total: number; amountPaid: number }>([
        { $match: { tenantId, $expr: { $gt: ['$amountPaid', '$total'] } } },
        { $project: { total: 1, amountPaid: 1 } },
        { $limit: MAX_REPORTED },
      ])
      .exec();
  }

  /** Orders with more than one live invoice (capped). */
  ordersWithSeveralLiveInvoices(tenantId: string): Promise<Array<{ _id: Types.ObjectId; invoiceIds: Types.ObjectId[] }>> {
    return this.invoices
      .aggregate<{ _id: Types.ObjectId; invoiceIds: Types.ObjectId[] }>([
        { $match: { tenantId, orderId: { $exists: true }, status: { $in: LIVE_INVOICE_STATUSES } } },
        { $group: { _id: '$orderId', invoiceIds: { $push: '$_id' }, count: { $sum: 1 } } },
        { $match: { count: { $gt: 1 } } },
        { $project: { invoiceIds: 1 } },
        { $limit: MAX_REPORTED },
      ])
      .exec();
  }
}
