import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { CLERK_AND_UP } from '../auth/role';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { AllocationDto } from './dto/allocation.dto';
import { ApiBadInput, ApiIdParam } from './inventory.api';
import { StockService } from './stock.service';
import { ApiInvalidState, ApiNotFound } from '../common/swagger/api-problems';

@ApiTags('inventory')
@Controller('inventory/allocations')
export class AllocationsController {
  constructor(private readonly stock: StockService) {}

  @Post(':id/release')
  @HttpCode(200)
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'Release an allocation', description: 'Gives the stock back, exactly once. An order’s allocations are released by cancelling the order.' })
  @ApiOkResponse({ type: AllocationDto })
  @ApiBadInput()
  @ApiNotFound('Allocation')
  @ApiInvalidState('Already released (or it belongs to an order).', 'released')
  @ApiIdParam('Allocation')
  release(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<AllocationDto> {
    return this.stock.release(user, id);
  }
}
