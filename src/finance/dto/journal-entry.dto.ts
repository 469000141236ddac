import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ENTRY_KINDS, EntryKind, JournalEntryRecord } from '../journal-entry.schema';
import { PageDto } from '../../common/http/page.dto';
import { ApiMinorUnits, CURRENCY_SCHEMA, currencyFields } from '../money';
import { ApiInteger } from '../../common/swagger/api-integer';

export class JournalLineDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  accountId: string;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345679', description: 'Set when the line moves a retainer’s money.' })
  retainerId?: string;

  @ApiInteger(80_000)
  debit: number;

  @ApiInteger(0)
  credit: number;
}

export class EntryReferenceDto {
  @ApiProperty({ example: 'transfer', enum: ['account', 'transfer', 'retainer', 'payment', 'entry'] })
  type: string;

  @ApiProperty({ example: '665f1c2e8b3e4a001234567a' })
  id: string;
}

/** An immutable journal entry: Σ debit = Σ credit over its lines. */
export class JournalEntryDto {
  @ApiProperty({ example: '665f1c2e8b3e4a001234567b' })
  id: string;

  @ApiProperty({ enum: ENTRY_KINDS, example: 'transfer' })
  kind: EntryKind;

  @ApiProperty(CURRENCY_SCHEMA)
  currency: string;

  @ApiMinorUnits()
  minorUnits: number;

  @ApiProperty({ example: 'Rent for January' })
  description: string;

  @ApiProperty({ type: [JournalLineDto] })
  lines: JournalLineDto[];

  @ApiProperty({ type: EntryReferenceDto })
  reference: EntryReferenceDto;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a001234567c', description: 'Set on a reversing entry.' })
  reversesEntryId?: string;

  @ApiProperty({ example: '665f1c2e8b3e4a001234567d' })
  createdBy: string;

  @ApiProperty({ example: '2025-01-31T12:00:00.000Z' })
  createdAt: Date;

  static from(e: JournalEntryRecord): JournalEntryDto {
    return {
      id: e._id.toHexString(),
      kind: e.kind,
      ...currencyFields(e.currency),
      description: e.description,
      lines: e.lines.map((l) => ({
        accountId: l.accountId.toHexString(),
        ...(l.retainerId ? { retainerId: l.retainerId.toHexString() } : {}),
        debit: l.debit,
        credit: l.credit,
      })),
      reference: { type: e.reference.type, id: e.reference.id.toHexString() },
      ...(e.reversesEntryId ? { reversesEntryId: e.reversesEntryId.toHexString() } : {}),
      createdBy: e.createdBy,
      createdAt: e.createdAt,
    };
  }
}

/** One page of an account's journal entries, newest first. */
export class JournalEntryPageDto extends PageDto(JournalEntryDto) {}
