import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '@app/problem-details';
import { DuplicateError, duplicateKeyFields, formatSequence, isDuplicateKeyError, SequencesService, Transactional } from '@app/concurrency';
import { Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { OrderLookupService } from '../inventory/order-lookup.service';
import { CreateInvoiceDto } from './dto/create-invoice.dto';
import { InvoiceDto, InvoicePageDto } from './dto/invoice.dto';
import { PageQueryDto, pageWindow } from '../common/http/page-query.dto';
import { mapPage } from '../common/database/tenant-scoped.repository';
import { InvoiceRepository } from './invoice.repository';
import { InvoiceLine, InvoiceRecord } from './invoice.schema';
import { lineTotal } from './money';

/** Prefix and sequence name of invoice numbers: INV-000001, INV-000002, … per tenant. */
const INVOICE_SEQUENCE = { prefix: 'INV', name: 'finance-invoice' } as const;

/** Invoices: numbered per tenant, at most one live invoice per inventory order, void while unpaid. */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly invoices: InvoiceRepository,
    private readonly sequences: SequencesService,
    private readonly orders: OrderLookupService,
  ) {}

  /**
   * Issues an invoice. Its number is drawn inside the transaction (a rolled-back attempt gives
   * it back: consecutive, no gaps), and the database decides "one live invoice per order" with
   * a partial unique index: of concurrent creations for one order exactly one commits and the
   * others get 409 `duplicate` naming it (`existingInvoiceId`).
   */
  async create(actor: AuthUser, dto: CreateInvoiceDto): Promise<InvoiceDto> {
    if (dto.orderId !== undefined && !(await this.orders.exists(dto.orderId))) throw new NotFoundError('Order');
    const lines = this.priced(dto);
    try {
      return await this.issue(actor, dto, lines);
    } catch (error) {
      if (dto.orderId !== undefined && isDuplicateKeyError(error) && duplicateKeyFields(error).includes('orderId')) {
        // Read after the failed insert: the winner has committed, so its id can be named.
        const existing = await this.invoices.findLiveForOrder(actor.tenantId, new Types.ObjectId(dto.orderId));
        throw new DuplicateError({
          fields: ['orderId'],
          detail: `Order ${dto.orderId} already has a live invoice${existing ? ` (${existing.invoiceNumber})` : ''}; void it first to re-invoice.`,
          extensions: existing ? { existingInvoiceId: existing._id.toHexString(), existingInvoiceNumber: existing.invoiceNumber } : {},
        });
      }
      throw error;
    }
  }

  /** One invoice of the caller's tenant. */
  async findOne(actor: AuthUser, id: string): Promise<InvoiceDto> {
    return InvoiceDto.from(await this.require(actor.tenantId, new Types.ObjectId(id)));
  }

  /** A page of invoices, newest first. */
  async list(actor: AuthUser, query: PageQueryDto): Promise<InvoicePageDto> {
    return mapPage(await this.invoices.page({ tenantId: actor.tenantId }, pageWindow(query), { createdAt: -1, _id: -1 }), (i) => InvoiceDto.from(i));
  }

  /**
   * Voids an unpaid invoice at the version the client read (If-Match): one guarded transition
   * issued → void. Paid or partially paid → 409 `invalid-state`; stale version → 412.
   */
  async void(actor: AuthUser, id: string, expectedVersion: number): Promise<InvoiceDto> {
    return InvoiceDto.from(await this.invoices.voidUnpaid({ tenantId: actor.tenantId, _id: new Types.ObjectId(id) }, expectedVersion));
  }

  @Transactional({ name: 'finance.invoice.issue' })
  private async issue(actor: AuthUser, dto: CreateInvoiceDto, priced: { lines: InvoiceLine[]; total: number }): Promise<InvoiceDto> {
    const { tenantId } = actor;
    const value = await this.sequences.next({ scope: tenantId, name: INVOICE_SEQUENCE.name });
    const invoice = await this.invoices.insert({
      _id: new Types.ObjectId(),
      tenantId,
      invoiceNumber: formatSequence({ prefix: INVOICE_SEQUENCE.prefix, value }),
      ...(dto.orderId !== undefined ? { orderId: new Types.ObjectId(dto.orderId) } : {}),
      customerName: dto.customerName,
      currency: dto.currency,
      lines: priced.lines,
      total: priced.total,
      createdBy: actor.userId,
    });
    return InvoiceDto.from(invoice);
  }

  /** Line amounts and the total in exact integers; a total beyond the exact range is a 400. */
  private priced(dto: CreateInvoiceDto): { lines: InvoiceLine[]; total: number } {
    const total = lineTotal(dto.lines);
    if (total === undefined) {
      throw new ValidationFailedError([{ field: 'lines', message: 'the invoice total exceeds the largest exact amount (2^53 − 1 minor units)' }]);
    }
    return {
      lines: dto.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitPrice: l.unitPrice, amount: l.quantity * l.unitPrice })),
      total,
    };
  }

  private async require(tenantId: string, _id: Types.ObjectId): Promise<InvoiceRecord> {
    const invoice = await this.invoices.findOne({ tenantId, _id });
    if (!invoice) throw new NotFoundError('Invoice');
    return invoice;
  }
}
