import { ApiProperty } from '@nestjs/swagger';
import { ACCOUNT_TYPES, AccountRecord, AccountType } from '../account.schema';
import { ApiMinorUnits, CURRENCY_SCHEMA, currencyFields } from '../money';
import { PageDto } from '../../common/http/page.dto';
import { ApiInteger } from '../../common/swagger/api-integer';

/** An account as the API shows it. */
export class AccountDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id: string;

  @ApiProperty({ example: 'Operating account' })
  name: string;

  @ApiProperty(CURRENCY_SCHEMA)
  currency: string;

  @ApiMinorUnits()
  minorUnits: number;

  @ApiProperty({ enum: ACCOUNT_TYPES, example: 'asset', description: 'Accounts you create are assets; the module keeps equity, cash, retainer-liability and revenue accounts itself.' })
  type: AccountType;

  @ApiProperty({ example: false, description: 'True for the accounts the module keeps itself (one per currency).' })
  system: boolean;

  @ApiInteger(100_000, 'Minor units, on the account’s normal side (never negative).')
  balance: number;

  @ApiProperty({
    type: 'integer',
    example: 1,
    description: 'Also the ETag. Counts changes: an account opened with a balance is at 2 (the insert, then the opening-balance posting, in one transaction).',
  })
  version: number;

  @ApiProperty({ example: '2025-01-31T12:00:00.000Z' })
  createdAt: Date;

  static from(a: AccountRecord): AccountDto {
    return {
      id: a._id.toHexString(),
      name: a.name,
      ...currencyFields(a.currency),
      type: a.type,
      system: a.systemKey !== undefined,
      balance: a.balance,
      version: a.version,
      createdAt: a.createdAt,
    };
  }
}

/** One page of accounts. */
export class AccountPageDto extends PageDto(AccountDto) {}
