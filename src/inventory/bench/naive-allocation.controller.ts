import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../auth/authenticated.decorator';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { CLERK_AND_UP } from '../../auth/role';
import { ParseObjectIdPipe } from '../../common/http/parse-object-id.pipe';
import { AllocateStockDto } from '../dto/allocate-stock.dto';
import { AllocationDto } from '../dto/allocation.dto';
import { NaiveAllocationService } from './naive-allocation.service';

/**
 * DELIBERATELY UNSAFE bench-only route (see NaiveAllocationService). Exists only when
 * InventoryBenchModule is registered: BENCH_ROUTES=1 and NODE_ENV ≠ production.
 */
@ApiTags('bench (unsafe)')
@Controller('inventory/items')
export class NaiveAllocationController {
  constructor(private readonly naive: NaiveAllocationService) {}

  @Post(':id/allocate-naive')
  @Authenticated({ roles: CLERK_AND_UP })
  @ApiOperation({ summary: 'UNSAFE bench-only allocation: read, check, write — no guard, no transaction. Oversells under concurrency.' })
  @ApiCreatedResponse({ type: AllocationDto })
  allocateNaive(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @Body() dto: AllocateStockDto): Promise<AllocationDto> {
    return this.naive.allocate(user, id, dto);
  }
}
