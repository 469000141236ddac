import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Idempotent } from '@app/concurrency';
import { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ACCOUNTANTS, ANY_ROLE } from '../auth/role';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { CreateTransferDto } from './dto/create-transfer.dto';
import { TransferDto } from './dto/transfer.dto';
import { ApiBalanceLimit, ApiCurrencyMismatch, ApiIdRouteErrors, ApiInsufficientFunds, ApiInvalidMoneyInput } from './finance.api';
import { TransfersService } from './transfers.service';
import { ApiNotFound } from '../common/swagger/api-problems';

@ApiTags('finance')
@Controller('finance/transfers')
export class TransfersController {
  constructor(private readonly transfers: TransfersService) {}

  @Post()
  @Authenticated({ roles: ACCOUNTANTS })
  @Idempotent()
  @ApiOperation({
    summary: 'Transfer between two accounts',
    description: 'Guarded debit (balance ≥ amount), credit, journal entry and transfer record in one transaction. Same account → 400.',
  })
  @ApiCreatedResponse({ type: TransferDto })
  @ApiInvalidMoneyInput()
  @ApiNotFound('An account')
  @ApiInsufficientFunds('account')
  @ApiCurrencyMismatch()
  @ApiBalanceLimit()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateTransferDto): Promise<TransferDto> {
    return this.transfers.create(user, dto);
  }

  @Get(':id')
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'Get a transfer' })
  @ApiOkResponse({ type: TransferDto })
  @ApiIdRouteErrors('The transfer')
  findOne(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<TransferDto> {
    return this.transfers.findOne(user, id);
  }
}
