import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MOVEMENT_TYPES, MovementRecord, MovementType } from '../movement.schema';
import { PageDto } from '../../common/http/page.dto';
import { ApiInteger } from '../../common/swagger/api-integer';

/** One stock-ledger line on the wire. */
export class MovementDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345679' })
  id: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  itemId: string;

  @ApiProperty({ enum: MOVEMENT_TYPES, example: 'allocation' })
  type: MovementType;

  @ApiInteger(-10, 'Signed change of quantityAvailable.')
  quantity: number;

  @ApiProperty({ example: 'JOB-4711' })
  reference: string;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a001234567a' })
  allocationId?: string;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a001234567b' })
  orderId?: string;

  @ApiProperty({ example: '665f1c2e8b3e4a001234567c', description: 'The user whose request moved the stock.' })
  createdBy: string;

  @ApiProperty({ example: '2024-06-04T10:15:00.000Z' })
  createdAt: string;

  static from(m: MovementRecord): MovementDto {
    return Object.assign(new MovementDto(), {
      id: m._id.toHexString(),
      itemId: m.itemId.toHexString(),
      type: m.type,
      quantity: m.quantity,
      reference: m.reference,
      ...(m.allocationId ? { allocationId: m.allocationId.toHexString() } : {}),
      ...(m.orderId ? { orderId: m.orderId.toHexString() } : {}),
      createdBy: m.createdBy,
      createdAt: m.createdAt.toISOString(),
    });
  }
}

/** One page of an item's ledger, oldest first. */
export class MovementPageDto extends PageDto(MovementDto) {}
