import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiInteger } from '../../common/swagger/api-integer';

export const VIOLATION_CODES = [
  'balance-mismatch',
  'retainer-balance-mismatch',
  'unbalanced-entry',
  'unbalanced-ledger',
  'negative-balance',
  'negative-retainer-balance',
  'invoice-overpaid',
  'duplicate-live-invoice',
  'payment-entry-count',
] as const;
export type ViolationCode = (typeof VIOLATION_CODES)[number];

/** One broken invariant. */
export class ViolationDto {
  @ApiProperty({ enum: VIOLATION_CODES, example: 'balance-mismatch' })
  code: ViolationCode;

  @ApiProperty({ example: 'Account 665f… has balance 900 but its lines sum to 1000.' })
  detail: string;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345678', description: 'The account, retainer, entry, invoice, order or payment concerned.' })
  id?: string;

  @ApiPropertyOptional({ type: 'integer', example: 1_000, description: 'What the ledger says.' })
  expected?: number;

  @ApiPropertyOptional({ type: 'integer', example: 900, description: 'What was found.' })
  actual?: number;
}

/** Counts of what was checked. */
export class ReconciliationCountsDto {
  @ApiInteger(7)
  accounts: number;

  @ApiInteger(2)
  retainers: number;

  @ApiInteger(5, 'Completed payments.')
  payments: number;

  @ApiInteger(1_250_000, 'Σ debits over the whole ledger (= Σ credits when ok).')
  totalDebits: number;

  @ApiInteger(1_250_000)
  totalCredits: number;
}

/** The ledger checked against every invariant, from one snapshot. */
export class ReconciliationDto {
  @ApiProperty({ example: true })
  ok: boolean;

  @ApiProperty({ type: [ViolationDto], example: [] })
  violations: ViolationDto[];

  @ApiProperty({ type: ReconciliationCountsDto })
  checked: ReconciliationCountsDto;

  @ApiProperty({ example: '2025-01-31T12:00:00.000Z' })
  checkedAt: Date;
}
