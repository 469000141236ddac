import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiMinorUnits, CURRENCY_SCHEMA, currencyFields } from '../money';
import { RetainerRecord } from '../retainer.schema';
import { ApiInteger } from '../../common/swagger/api-integer';

/** A retainer (client prepayment) as the API shows it. */
export class RetainerDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345679' })
  id: string;

  @ApiProperty({ example: 'Acme Ltd' })
  clientName: string;

  @ApiProperty(CURRENCY_SCHEMA)
  currency: string;

  @ApiMinorUnits()
  minorUnits: number;

  @ApiInteger(20_000, 'Minor units still held for the client (never negative).')
  balance: number;

  @ApiInteger(2, 'Also the ETag.')
  version: number;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a001234567b', description: 'After a deposit or consumption: the journal entry it posted.' })
  entryId?: string;

  @ApiProperty({ example: '2025-01-31T12:00:00.000Z' })
  createdAt: Date;

  static from(r: RetainerRecord, entryId?: { toHexString(): string }): RetainerDto {
    return {
      id: r._id.toHexString(),
      clientName: r.clientName,
      ...currencyFields(r.currency),
      balance: r.balance,
      version: r.version,
      ...(entryId ? { entryId: entryId.toHexString() } : {}),
      createdAt: r.createdAt,
    };
  }
}
