import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/problem-details';
import { InvalidStateError, Transactional } from '@app/concurrency';
import { Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { AccountRecord } from './account.schema';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { PaymentDto } from './dto/payment.dto';
import { CurrencyMismatchError, OverpaymentError } from './finance.errors';
import { countOutcome, financeMetrics } from './finance.metrics';
import { InvoiceRepository } from './invoice.repository';
import { InvoiceRecord, PAYABLE_INVOICE_STATUSES } from './invoice.schema';
import { LedgerService } from './ledger.service';
import { PaymentRepository } from './payment.repository';
import { PaymentRecord } from './payment.schema';

/** Payments received: pending until completed (exactly once, posting the ledger) or cancelled. */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly invoices: InvoiceRepository,
    private readonly ledger: LedgerService,
  ) {}

  /**
   * Records a pending payment. When it names an invoice, the invoice must be of the tenant
   * (404), in the same currency (422), still payable (409 `invalid-state`) and the amount
   * within what is outstanding now (409 `overpayment`); completion checks again, atomically.
   */
  async create(actor: AuthUser, dto: CreatePaymentDto): Promise<PaymentDto> {
    const { tenantId } = actor;
    let invoiceId: Types.ObjectId | undefined;
    if (dto.invoiceId !== undefined) {
      const invoice = await this.invoices.findOne({ tenantId, _id: new Types.ObjectId(dto.invoiceId) });
      if (!invoice) throw new NotFoundError('Invoice');
      if (invoice.currency !== dto.currency) throw new CurrencyMismatchError({ expected: invoice.currency, actual: dto.currency });
      this.assertPayable(invoice, dto.amount);
      invoiceId = invoice._id;
    }
    const payment = await this.payments.insert({
      _id: new Types.ObjectId(),
      tenantId,
      ...(invoiceId ? { invoiceId } : {}),
      customerName: dto.customerName,
      amount: dto.amount,
      currency: dto.currency,
      method: dto.method,
      createdBy: actor.userId,
    });
    return PaymentDto.from(payment);
  }

  /**
   * Completes a pending payment exactly once. In one transaction: the guarded transition
   * pending → completed (first write: of concurrent calls one wins, the rest get 409
   * `invalid-state`), the invoice's amountPaid / status (guarded: never beyond its total),
   * and the journal entry (debit cash, credit revenue) — all or nothing.
   */
  complete(actor: AuthUser, id: string): Promise<PaymentDto> {
    return countOutcome(financeMetrics.completions, 'completed', async () => {
      // A payment's currency never changes and the system accounts come from idempotent
      // upserts: looked up first, so the transaction's first write is the guarded transition.
      const payment = await this.require(actor.tenantId, id);
      const cash = await this.ledger.systemAccount(actor.tenantId, payment.currency, 'cash');
      const revenue = await this.ledger.systemAccount(actor.tenantId, payment.currency, 'revenue');
      return this.postCompletion(actor, payment._id, cash, revenue);
    });
  }

  /** Cancels a pending payment (guarded transition; completed or cancelled → 409 `invalid-state`). */
  async cancel(actor: AuthUser, id: string): Promise<PaymentDto> {
    return PaymentDto.from(await this.payments.cancel({ tenantId: actor.tenantId, _id: new Types.ObjectId(id) }));
  }

  /** One payment of the caller's tenant. */
  async findOne(actor: AuthUser, id: string): Promise<PaymentDto> {
    return PaymentDto.from(await this.require(actor.tenantId, id));
  }

  @Transactional({ name: 'finance.payment.complete' })
  private async postCompletion(actor: AuthUser, paymentId: Types.ObjectId, cash: AccountRecord, revenue: AccountRecord): Promise<PaymentDto> {
    const { tenantId } = actor;
    const entryId = new Types.ObjectId();
    const payment = await this.payments.complete({ tenantId, _id: paymentId }, entryId);
    if (payment.invoiceId) await this.applyToInvoice(tenantId, payment);
    await this.ledger.post({
      tenantId,
      entryId,
      kind: 'payment',
      currency: payment.currency,
      description: `Payment from ${payment.customerName} (${payment.method})`,
      lines: [
        { account: cash, debit: payment.amount },
        { account: revenue, credit: payment.amount },
      ],
      reference: { type: 'payment', id: payment._id },
      paymentId: payment._id,
      createdBy: actor.userId,
    });
    return PaymentDto.from(payment);
  }

  private async require(tenantId: string, id: string): Promise<PaymentRecord> {
    const payment = await this.payments.findOne({ tenantId, _id: new Types.ObjectId(id) });
    if (!payment) throw new NotFoundError('Payment');
    return payment;
  }

  private async applyToInvoice(tenantId: string, payment: PaymentRecord): Promise<void> {
    const filter = { tenantId, _id: payment.invoiceId as Types.ObjectId };
    if (await this.invoices.applyPayment(filter, payment.amount)) return;
    // The guard missed: one read says why (the transaction then rolls the completion back).
    const invoice = await this.invoices.findOne(filter);
    if (!invoice) throw new NotFoundError('Invoice');
    this.assertPayable(invoice, payment.amount);
    throw new OverpaymentError({ invoiceId: invoice._id.toHexString(), total: invoice.total, amountPaid: invoice.amountPaid, amount: payment.amount });
  }

  private assertPayable(invoice: InvoiceRecord, amount: number): void {
    if (!PAYABLE_INVOICE_STATUSES.includes(invoice.status)) {
      throw new InvalidStateError({ currentState: invoice.status, detail: `Invoice ${invoice.invoiceNumber} is ${invoice.status}; it takes no payments.` });
    }
    if (invoice.amountPaid + amount > invoice.total) {
      throw new OverpaymentError({ invoiceId: invoice._id.toHexString(), total: invoice.total, amountPaid: invoice.amountPaid, amount });
    }
  }
}
