import { ApiProperty } from '@nestjs/swagger';
import type { ItemRecord } from '../item.schema';
import { PageDto } from '../../common/http/page.dto';
import { ApiInteger } from '../../common/swagger/api-integer';

/** An item on the wire. */
export class ItemDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id: string;

  @ApiProperty({ example: 'FILM-500-CLR' })
  sku: string;

  @ApiProperty({ example: 'Clear film 500 mm' })
  name: string;

  @ApiProperty({ example: 'roll' })
  unit: string;

  @ApiInteger(100, 'Physical stock: quantityAllocated + quantityAvailable.')
  quantityOnHand: number;

  @ApiInteger(20, 'Reserved by open allocations (still on hand, no longer available).')
  quantityAllocated: number;

  @ApiInteger(80, 'What can still be allocated: quantityOnHand − quantityAllocated (never negative).')
  quantityAvailable: number;

  @ApiInteger(3, 'Also the ETag; send it back in If-Match to PATCH.')
  version: number;

  @ApiProperty({ example: '2024-06-04T10:15:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2024-06-04T10:20:00.000Z' })
  updatedAt: string;

  static from(item: ItemRecord): ItemDto {
    return Object.assign(new ItemDto(), {
      id: item._id.toHexString(),
      sku: item.sku,
      name: item.name,
      unit: item.unit,
      quantityOnHand: item.quantityOnHand,
      quantityAllocated: item.quantityAllocated,
      quantityAvailable: item.quantityAvailable,
      version: item.version,
      createdAt: item.createdAt.toISOString(),
      updatedAt: item.updatedAt.toISOString(),
    });
  }
}

/** One page of items. */
export class ItemPageDto extends PageDto(ItemDto) {}
