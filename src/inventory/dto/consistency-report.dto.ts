import { ApiProperty } from '@nestjs/swagger';
import { ApiInteger } from '../../common/swagger/api-integer';

/** One broken invariant of one item. */
export class ConsistencyViolationDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  itemId: string;

  @ApiProperty({ example: 'FILM-500-CLR' })
  sku: string;

  @ApiProperty({
    enum: [
      'quantityAvailable-negative',
      'quantityAvailable-vs-movements',
      'quantityAllocated-vs-open-allocations',
      'quantityOnHand-vs-allocated-plus-available',
      ...['quantityOnHand', 'quantityAllocated', 'quantityAvailable', 'movementSum', 'openSum'].map((q) => `${q}-not-safe-integer`),
    ],
    example: 'quantityAvailable-vs-movements',
  })
  rule: string;

  @ApiInteger(20, 'What the ledger (or the allocations) say.')
  expected: number;

  @ApiInteger(-60, 'What the item says.')
  actual: number;
}

/** Result of `GET /inventory/consistency`, read from one snapshot. */
export class ConsistencyReportDto {
  @ApiProperty({ example: true })
  ok: boolean;

  @ApiInteger(12, 'Items checked.')
  itemsChecked: number;

  @ApiProperty({ type: [ConsistencyViolationDto], example: [] })
  violations: ConsistencyViolationDto[];
}
