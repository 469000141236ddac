import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { MANAGER_AND_UP } from '../auth/role';
import { ConsistencyService } from './consistency.service';
import { ConsistencyReportDto } from './dto/consistency-report.dto';

@ApiTags('inventory')
@Controller('inventory/consistency')
export class ConsistencyController {
  constructor(private readonly consistency: ConsistencyService) {}

  @Get()
  @Authenticated({ roles: MANAGER_AND_UP })
  @ApiOperation({
    operationId: 'checkInventoryConsistency',
    summary: 'Check the stock invariants of your tenant',
    description: 'Per item: quantityAvailable = Σ movements ≥ 0, quantityAllocated = Σ open allocations, quantityOnHand = quantityAllocated + quantityAvailable, all safe integers, read from one snapshot.',
  })
  @ApiOkResponse({ type: ConsistencyReportDto })
  check(@CurrentUser() user: AuthUser): Promise<ConsistencyReportDto> {
    return this.consistency.check(user);
  }
}
