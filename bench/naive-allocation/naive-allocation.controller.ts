import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../src/auth/authenticated.decorator';
import type { AuthUser } from '../../src/auth/auth-user';
import { CurrentUser } from '../../src/auth/current-user.decorator';
import { CLERK_AND_UP } from '../../src/auth/role';
import { ParseObjectIdPipe } from '../../src/common/http/parse-object-id.pipe';
import { AllocateStockDto } from '../../src/inventory/dto/allocate-stock.dto';
import { AllocationDto } from '../../src/inventory/dto/allocation.dto';
import { NaiveAllocationService } from './naive-allocation.service';

/** DELIBERATELY UNSAFE route (see NaiveAllocationService); mounted only by NaiveAllocationModule. */
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
