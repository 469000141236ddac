import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ORDER_STAGES, OrderStage } from '../order.schema';

/** Body of `POST /inventory/orders/:id/stage`: the stage you saw, and the next one. */
export class MoveStageDto {
  @ApiProperty({ enum: ORDER_STAGES, example: 'queued', description: 'The stage the order is in now (as you last read it).' })
  @IsIn(ORDER_STAGES)
  from: OrderStage;

  @ApiProperty({ enum: ORDER_STAGES, example: 'slitting', description: 'Must be the stage right after `from`.' })
  @IsIn(ORDER_STAGES)
  to: OrderStage;
}
