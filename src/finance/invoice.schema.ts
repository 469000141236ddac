import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { versionedPlugin } from '@app/concurrency';
import { Schema as MongooseSchema, Types } from 'mongoose';
import { TenantOwned } from '../common/tenancy/tenant-filter';
import { CURRENCIES, MAX_MONEY } from './money';

export const INVOICE_STATUSES = ['issued', 'partially-paid', 'paid', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
/** Every status but `void`: at most one such invoice per order. */
export const LIVE_INVOICE_STATUSES: InvoiceStatus[] = ['issued', 'partially-paid', 'paid'];
/** Statuses a payment may still be applied to. */
export const PAYABLE_INVOICE_STATUSES: InvoiceStatus[] = ['issued', 'partially-paid'];

@Schema({ _id: false })
export class InvoiceLine {
  @Prop({ required: true, maxlength: 500 })
  description: string;

  @Prop({ required: true, min: 1, validate: Number.isSafeInteger })
  quantity: number;

  @Prop({ required: true, min: 0, max: MAX_MONEY, validate: Number.isSafeInteger })
  unitPrice: number;

  /** quantity × unitPrice, exact. */
  @Prop({ required: true, min: 0, max: MAX_MONEY, validate: Number.isSafeInteger })
  amount: number;
}
const InvoiceLineSchema = SchemaFactory.createForClass(InvoiceLine);

@Schema({ collection: 'finance_invoices', timestamps: true })
export class Invoice extends TenantOwned {
  /** INV-000001, …: drawn from the tenant's sequence inside the creating transaction. */
  @Prop({ required: true })
  invoiceNumber: string;

  @Prop({ type: MongooseSchema.Types.ObjectId })
  orderId?: Types.ObjectId;

  @Prop({ required: true, trim: true, maxlength: 200 })
  customerName: string;

  @Prop({ type: String, required: true, enum: CURRENCIES })
  currency: string;

  @Prop({ type: [InvoiceLineSchema], required: true })
  lines: InvoiceLine[];

  @Prop({ required: true, min: 0, max: MAX_MONEY, validate: Number.isSafeInteger })
  total: number;

  /** Never above `total`: the payment completion's filter says so. */
  @Prop({ required: true, default: 0, min: 0, max: MAX_MONEY, validate: Number.isSafeInteger })
  amountPaid: number;

  @Prop({ type: String, required: true, enum: INVOICE_STATUSES, default: 'issued' })
  status: InvoiceStatus;

  @Prop()
  voidedAt?: Date;

  @Prop({ required: true })
  createdBy: string;

  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type InvoiceRecord = Invoice & { _id: Types.ObjectId };
export const InvoiceSchema = SchemaFactory.createForClass(Invoice);
InvoiceSchema.plugin(versionedPlugin);
// The sequence plans the numbers; this index proves no two invoices share one.
InvoiceSchema.index({ tenantId: 1, invoiceNumber: 1 }, { unique: true });
// At most one live invoice per order, decided by the database: of concurrent creations for
// one order exactly one insert commits. A void invoice leaves the index, freeing the order.
export const LIVE_ORDER_INDEX = 'tenant_live_order_unique';
InvoiceSchema.index(
  { tenantId: 1, orderId: 1 },
  {
    name: LIVE_ORDER_INDEX,
    unique: true,
    partialFilterExpression: { orderId: { $exists: true }, status: { $in: LIVE_INVOICE_STATUSES } },
  },
);
InvoiceSchema.index({ tenantId: 1, createdAt: -1, _id: -1 });
