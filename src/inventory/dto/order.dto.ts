import { ApiProperty } from '@nestjs/swagger';
import { ORDER_STAGES, ORDER_STATUSES, OrderRecord, OrderStage, OrderStatus } from '../order.schema';
import { PageDto } from '../../common/http/page.dto';
import { ApiInteger } from '../../common/swagger/api-integer';

/** One allocated order line on the wire. */
export class OrderLineDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  itemId: string;

  @ApiProperty({ example: 'FILM-500-CLR' })
  sku: string;

  @ApiInteger(5)
  quantity: number;

  @ApiProperty({ example: '665f1c2e8b3e4a001234567a', description: 'The allocation holding this line’s stock.' })
  allocationId: string;
}

/** A sales order on the wire. */
export class OrderDto {
  @ApiProperty({ example: '665f1c2e8b3e4a001234567b' })
  id: string;

  @ApiProperty({ example: 'SO-000001', description: 'Per tenant, unique and consecutive.' })
  orderNumber: string;

  @ApiProperty({ example: 'Acme Packaging Ltd' })
  customerName: string;

  @ApiProperty({ example: 'Deliver to dock 3' })
  notes: string;

  @ApiProperty({ enum: ORDER_STATUSES, example: 'confirmed' })
  status: OrderStatus;

  @ApiProperty({ enum: ORDER_STAGES, example: 'queued' })
  stage: OrderStage;

  @ApiProperty({ type: [OrderLineDto] })
  lines: OrderLineDto[];

  @ApiInteger(1, 'Also the ETag; send it back in If-Match to PATCH.')
  version: number;

  @ApiProperty({ example: '2024-06-04T10:15:00.000Z' })
  createdAt: string;

  @ApiProperty({ example: '2024-06-04T10:15:00.000Z' })
  updatedAt: string;

  static from(o: OrderRecord): OrderDto {
    return Object.assign(new OrderDto(), {
      id: o._id.toHexString(),
      orderNumber: o.orderNumber,
      customerName: o.customerName,
      notes: o.notes ?? '',
      status: o.status,
      stage: o.stage,
      lines: o.lines.map((l) =>
        Object.assign(new OrderLineDto(), {
          itemId: l.itemId.toHexString(),
          sku: l.sku,
          quantity: l.quantity,
          allocationId: l.allocationId.toHexString(),
        }),
      ),
      version: o.version,
      createdAt: o.createdAt.toISOString(),
      updatedAt: o.updatedAt.toISOString(),
    });
  }
}

/** One page of orders, newest first. */
export class OrderPageDto extends PageDto(OrderDto) {}
