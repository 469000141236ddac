import { ApiProperty } from '@nestjs/swagger';
import { TransferRecord } from '../transfer.schema';
import { ApiMinorUnits, CURRENCY_SCHEMA, currencyFields } from '../money';
import { ApiInteger } from '../../common/swagger/api-integer';

/** A posted transfer. */
export class TransferDto {
  @ApiProperty({ example: '665f1c2e8b3e4a001234567a' })
  id: string;

  @ApiProperty({ enum: ['posted'], example: 'posted' })
  status: 'posted';

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  fromAccountId: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345679' })
  toAccountId: string;

  @ApiInteger(80_000)
  amount: number;

  @ApiProperty(CURRENCY_SCHEMA)
  currency: string;

  @ApiMinorUnits()
  minorUnits: number;

  @ApiProperty({ example: 'Move funds to the escrow account' })
  description: string;

  @ApiProperty({ example: '665f1c2e8b3e4a001234567b', description: 'The journal entry that records it.' })
  entryId: string;

  @ApiProperty({ example: '2025-01-31T12:00:00.000Z' })
  createdAt: Date;

  static from(t: TransferRecord): TransferDto {
    return {
      id: t._id.toHexString(),
      status: t.status,
      fromAccountId: t.fromAccountId.toHexString(),
      toAccountId: t.toAccountId.toHexString(),
      amount: t.amount,
      ...currencyFields(t.currency),
      description: t.description,
      entryId: t.entryId.toHexString(),
      createdAt: t.createdAt,
    };
  }
}
