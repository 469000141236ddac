import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiETag, Idempotent, IfMatchVersion, RequireIfMatch } from '@app/concurrency';
import { Authenticated } from '../auth/authenticated.decorator';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ANY_ROLE, CLERK_AND_UP } from '../auth/role';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { CreateOrderDto } from './dto/create-order.dto';
import { PageQueryDto } from '../common/http/page-query.dto';
import { MoveStageDto } from './dto/move-stage.dto';
import { OrderDto, OrderPageDto } from './dto/order.dto';
import { UpdateOrderDto } from './dto/update-order.dto';
import { ApiBadInput, ApiIdParam, ApiInsufficientStock } from './inventory.api';
import { OrdersService } from './orders.service';
import { ApiInvalidState, ApiNotFound } from '../common/swagger/api-problems';

@ApiTags('inventory')
@Controller('inventory/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @Authenticated({ roles: CLERK_AND_UP })
  @Idempotent()
  @ApiOperation({
    summary: 'Create a sales order',
    description: 'Numbers it (SO-000001, … per tenant) and allocates every line, all or nothing: a short line leaves nothing allocated and uses no number.',
  })
  @ApiCreatedResponse({ type: OrderDto })
  @ApiBadInput()
  @ApiNotFound('Item of a line')
  @ApiInsufficientStock()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateOrderDto): Promise<OrderDto> {
    return this.orders.create(user, dto);
  }

  @Get()
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'List sales orders (newest first)' })
  @ApiOkResponse({ type: OrderPageDto })
  @ApiBadInput()
  list(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<OrderPageDto> {
    return this.orders.list(user, query);
  }

  @Get(':id')
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'Get a sales order' })
  @ApiOkResponse({ type: OrderDto })
  @ApiETag()
  @ApiBadInput()
  @ApiNotFound('Order')
  @ApiIdParam('Order')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<OrderDto> {
    return this.orders.get(user, id);
  }

  @Patch(':id')
  @Authenticated({ roles: CLERK_AND_UP })
  @RequireIfMatch()
  @ApiOperation({ summary: 'Edit customerName / notes' })
  @ApiOkResponse({ type: OrderDto })
  @ApiBadInput()
  @ApiNotFound('Order')
  @ApiIdParam('Order')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number,
    @Body() dto: UpdateOrderDto,
  ): Promise<OrderDto> {
    return this.orders.update(user, id, version, dto);
  }

  @Post(':id/stage')
  @HttpCode(200)
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({
    operationId: 'moveOrderStage',
    summary: 'Move the job card one stage forward',
    description: 'queued → slitting → winding → packing → done. `to` must be the stage right after `from` (else 400); a stale `from` is 409.',
  })
  @ApiOkResponse({ type: OrderDto })
  @ApiBadInput()
  @ApiNotFound('Order')
  @ApiInvalidState('The order is no longer at `from` (someone moved it), or it is cancelled.', 'slitting')
  @ApiIdParam('Order')
  moveStage(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @Body() dto: MoveStageDto): Promise<OrderDto> {
    return this.orders.moveStage(user, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'Cancel a sales order', description: 'Releases its allocations in the same transaction, exactly once.' })
  @ApiOkResponse({ type: OrderDto })
  @ApiBadInput()
  @ApiNotFound('Order')
  @ApiInvalidState('Already cancelled.', 'cancelled')
  @ApiIdParam('Order')
  cancel(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<OrderDto> {
    return this.orders.cancel(user, id);
  }
}
