import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALLOCATION_STATUSES, AllocationRecord, AllocationStatus } from '../allocation.schema';
import { ApiInteger } from '../../common/swagger/api-integer';

/** An allocation on the wire. */
export class AllocationDto {
  @ApiProperty({ example: '665f1c2e8b3e4a001234567a', description: 'The allocation id (release it with this).' })
  id: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  itemId: string;

  @ApiInteger(10)
  quantity: number;

  @ApiProperty({ example: 'JOB-4711' })
  orderReference: string;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a001234567b', description: 'Set when the allocation belongs to a sales order.' })
  orderId?: string;

  @ApiProperty({ enum: ALLOCATION_STATUSES, example: 'open' })
  status: AllocationStatus;

  @ApiInteger(90, "The item's quantityAvailable right after this change.")
  remaining: number;

  static from(a: AllocationRecord, remaining: number): AllocationDto {
    return Object.assign(new AllocationDto(), {
      id: a._id.toHexString(),
      itemId: a.itemId.toHexString(),
      quantity: a.quantity,
      orderReference: a.orderReference,
      ...(a.orderId ? { orderId: a.orderId.toHexString() } : {}),
      status: a.status,
      remaining,
    });
  }
}
