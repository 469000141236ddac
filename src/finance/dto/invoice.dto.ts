import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INVOICE_STATUSES, InvoiceRecord, InvoiceStatus } from '../invoice.schema';
import { ApiMinorUnits, CURRENCY_SCHEMA, currencyFields } from '../money';
import { PageDto } from '../../common/http/page.dto';
import { ApiInteger } from '../../common/swagger/api-integer';

export class InvoiceLineDto {
  @ApiProperty({ example: 'Steel bracket M8' })
  description: string;

  @ApiInteger(10)
  quantity: number;

  @ApiInteger(1_250)
  unitPrice: number;

  @ApiInteger(12_500, 'quantity × unitPrice.')
  amount: number;
}

/** An invoice as the API shows it. */
export class InvoiceDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345671' })
  id: string;

  @ApiProperty({ example: 'INV-000001', description: 'Per tenant: unique and consecutive.' })
  invoiceNumber: string;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345670' })
  orderId?: string;

  @ApiProperty({ example: 'Acme Ltd' })
  customerName: string;

  @ApiProperty(CURRENCY_SCHEMA)
  currency: string;

  @ApiMinorUnits()
  minorUnits: number;

  @ApiProperty({ type: [InvoiceLineDto] })
  lines: InvoiceLineDto[];

  @ApiInteger(12_500)
  total: number;

  @ApiInteger(0, 'Never above total.')
  amountPaid: number;

  @ApiProperty({ enum: INVOICE_STATUSES, example: 'issued' })
  status: InvoiceStatus;

  @ApiInteger(1, 'Also the ETag; void needs it in If-Match.')
  version: number;

  @ApiProperty({ example: '2025-01-31T12:00:00.000Z' })
  createdAt: Date;

  static from(i: InvoiceRecord): InvoiceDto {
    return {
      id: i._id.toHexString(),
      invoiceNumber: i.invoiceNumber,
      ...(i.orderId ? { orderId: i.orderId.toHexString() } : {}),
      customerName: i.customerName,
      ...currencyFields(i.currency),
      lines: i.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitPrice: l.unitPrice, amount: l.amount })),
      total: i.total,
      amountPaid: i.amountPaid,
      status: i.status,
      version: i.version,
      createdAt: i.createdAt,
    };
  }
}

/** One page of invoices, newest first. */
export class InvoicePageDto extends PageDto(InvoiceDto) {}
