import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiMinorUnits, CURRENCY_SCHEMA, currencyFields } from '../money';
import { PAYMENT_METHODS, PAYMENT_STATUSES, PaymentMethod, PaymentRecord, PaymentStatus } from '../payment.schema';
import { ApiInteger } from '../../common/swagger/api-integer';

/** A payment as the API shows it. */
export class PaymentDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345672' })
  id: string;

  @ApiProperty({ enum: PAYMENT_STATUSES, example: 'pending' })
  status: PaymentStatus;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345671' })
  invoiceId?: string;

  @ApiProperty({ example: 'Acme Ltd' })
  customerName: string;

  @ApiInteger(12_500)
  amount: number;

  @ApiProperty(CURRENCY_SCHEMA)
  currency: string;

  @ApiMinorUnits()
  minorUnits: number;

  @ApiProperty({ enum: PAYMENT_METHODS, example: 'bank_transfer' })
  method: PaymentMethod;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a001234567b', description: 'The journal entry posted on completion.' })
  entryId?: string;

  @ApiPropertyOptional({ example: '2025-01-31T12:00:00.000Z' })
  completedAt?: Date;

  @ApiInteger(1, 'Also the ETag.')
  version: number;

  @ApiProperty({ example: '2025-01-31T12:00:00.000Z' })
  createdAt: Date;

  static from(p: PaymentRecord): PaymentDto {
    return {
      id: p._id.toHexString(),
      status: p.status,
      ...(p.invoiceId ? { invoiceId: p.invoiceId.toHexString() } : {}),
      customerName: p.customerName,
      amount: p.amount,
      ...currencyFields(p.currency),
      method: p.method,
      ...(p.entryId ? { entryId: p.entryId.toHexString() } : {}),
      ...(p.completedAt ? { completedAt: p.completedAt } : {}),
      version: p.version,
      createdAt: p.createdAt,
    };
  }
}
