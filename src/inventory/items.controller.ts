import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { ApiETag, Idempotent, IfMatchVersion, RequireIfMatch } from '@app/concurrency';
import { Authenticated } from '../auth/authenticated.decorator';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ANY_ROLE, CLERK_AND_UP, MANAGER_AND_UP } from '../auth/role';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { AllocateStockDto } from './dto/allocate-stock.dto';
import { AllocationDto } from './dto/allocation.dto';
import { CreateItemDto } from './dto/create-item.dto';
import { ItemDto, ItemPageDto } from './dto/item.dto';
import { PageQueryDto } from '../common/http/page-query.dto';
import { MovementPageDto } from './dto/movement.dto';
import { ReceiveStockDto } from './dto/receive-stock.dto';
import { UpdateItemDto } from './dto/update-item.dto';
import { ApiBadInput, ApiIdParam, ApiInsufficientStock } from './inventory.api';
import { ItemsService } from './items.service';
import { StockService } from './stock.service';
import { ApiNotFound } from '../common/swagger/api-problems';

@ApiTags('inventory')
@Controller('inventory/items')
export class ItemsController {
  constructor(
    private readonly items: ItemsService,
    private readonly stock: StockService,
  ) {}

  @Post()
  @Authenticated({ roles: MANAGER_AND_UP })
  @ApiOperation({ summary: 'Create an item', description: 'The opening quantity is recorded as the first movement.' })
  @ApiCreatedResponse({ type: ItemDto })
  @ApiBadInput()
  @ApiProblemResponse({ status: 409, code: 'duplicate', title: 'Duplicate', description: 'Your tenant already has an item with this sku.', extensions: { fields: ['sku'] } })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateItemDto): Promise<ItemDto> {
    return this.items.create(user, dto);
  }

  @Get()
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'List items (oldest first)' })
  @ApiOkResponse({ type: ItemPageDto })
  @ApiBadInput()
  list(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<ItemPageDto> {
    return this.items.list(user, query);
  }

  @Get(':id')
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'Get an item' })
  @ApiOkResponse({ type: ItemDto })
  @ApiETag()
  @ApiBadInput()
  @ApiNotFound('Item')
  @ApiIdParam('Item')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<ItemDto> {
    return this.items.get(user, id);
  }

  @Patch(':id')
  @Authenticated({ roles: MANAGER_AND_UP })
  @RequireIfMatch()
  @ApiOperation({ summary: 'Rename an item', description: 'name and unit only: quantities change through receive / allocate / release.' })
  @ApiOkResponse({ type: ItemDto })
  @ApiBadInput()
  @ApiNotFound('Item')
  @ApiIdParam('Item')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseObjectIdPipe) id: string,
    @IfMatchVersion() version: number,
    @Body() dto: UpdateItemDto,
  ): Promise<ItemDto> {
    return this.items.update(user, id, version, dto);
  }

  @Post(':id/receive')
  @HttpCode(200)
  @Authenticated({ roles: MANAGER_AND_UP })
  @ApiOperation({ operationId: 'receiveStock', summary: 'Receive stock', description: 'Adds to quantityOnHand and quantityAvailable and records a `receipt` movement, atomically.' })
  @ApiOkResponse({ type: ItemDto })
  @ApiBadInput()
  @ApiNotFound('Item')
  @ApiIdParam('Item')
  receive(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @Body() dto: ReceiveStockDto): Promise<ItemDto> {
    return this.stock.receive(user, id, dto);
  }

  @Post(':id/allocate')
  @Authenticated({ roles: CLERK_AND_UP })
  @Idempotent()
  @ApiOperation({
    operationId: 'allocateStock',
    summary: 'Allocate stock',
    description:
      'Reserves `quantity` units: quantityAvailable goes down, quantityAllocated up (quantityOnHand stays), in one guarded update with its movement and allocation. Never oversells.',
  })
  @ApiCreatedResponse({ type: AllocationDto })
  @ApiBadInput()
  @ApiNotFound('Item')
  @ApiInsufficientStock()
  @ApiIdParam('Item')
  allocate(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @Body() dto: AllocateStockDto): Promise<AllocationDto> {
    return this.stock.allocate(user, id, dto);
  }

  @Get(':id/movements')
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ operationId: 'listItemMovements', summary: "An item's stock ledger (oldest first)", description: 'Page and total come from one snapshot.' })
  @ApiOkResponse({ type: MovementPageDto })
  @ApiBadInput()
  @ApiNotFound('Item')
  @ApiIdParam('Item')
  movements(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @Query() query: PageQueryDto): Promise<MovementPageDto> {
    return this.items.movementsOf(user, id, query);
  }
}
