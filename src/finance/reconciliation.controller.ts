import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ACCOUNTANTS } from '../auth/role';
import { ReconciliationDto } from './dto/reconciliation.dto';
import { ReconciliationService } from './reconciliation.service';

@ApiTags('finance')
@Controller('finance/reconciliation')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @Get()
  @Authenticated({ roles: ACCOUNTANTS })
  @ApiOperation({
    operationId: 'reconcileFinance',
    summary: 'Reconcile the books',
    description:
      'From one snapshot: balances equal their ledger lines, every entry and the ledger balance, no negative balances, no overpaid invoice, no order with two live invoices, one entry per completed payment.',
  })
  @ApiOkResponse({ type: ReconciliationDto })
  reconcile(@CurrentUser() user: AuthUser): Promise<ReconciliationDto> {
    return this.reconciliation.reconcile(user);
  }
}
