import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiETag, Idempotent } from '@app/concurrency';
import { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ACCOUNTANTS, ANY_ROLE } from '../auth/role';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { ConsumeRetainerDto } from './dto/consume-retainer.dto';
import { CreateRetainerDto } from './dto/create-retainer.dto';
import { DepositRetainerDto } from './dto/deposit-retainer.dto';
import { RetainerDto } from './dto/retainer.dto';
import { ApiBalanceLimit, ApiIdRouteErrors, ApiInsufficientFunds, ApiInvalidMoneyInput } from './finance.api';
import { RetainersService } from './retainers.service';

@ApiTags('finance')
@Controller('finance/retainers')
export class RetainersController {
  constructor(private readonly retainers: RetainersService) {}

  @Post()
  @Authenticated({ roles: ACCOUNTANTS })
  @ApiOperation({ summary: 'Open a retainer (client prepayment)', description: 'A non-zero initial amount is posted as a deposit: debit cash, credit the retainer.' })
  @ApiCreatedResponse({ type: RetainerDto })
  @ApiInvalidMoneyInput()
  @ApiBalanceLimit()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateRetainerDto): Promise<RetainerDto> {
    return this.retainers.create(user, dto);
  }

  @Get(':id')
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'Get a retainer' })
  @ApiOkResponse({ type: RetainerDto })
  @ApiETag()
  @ApiIdRouteErrors('The retainer')
  findOne(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<RetainerDto> {
    return this.retainers.findOne(user, id);
  }

  @Post(':id/deposit')
  @HttpCode(200)
  @Authenticated({ roles: ACCOUNTANTS })
  @Idempotent()
  @ApiOperation({ summary: 'Deposit into a retainer', description: 'Debit cash, credit the retainer: one journal entry.' })
  @ApiOkResponse({ type: RetainerDto })
  @ApiInvalidMoneyInput()
  @ApiIdRouteErrors('The retainer')
  @ApiBalanceLimit()
  deposit(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @Body() dto: DepositRetainerDto): Promise<RetainerDto> {
    return this.retainers.deposit(user, id, dto);
  }

  @Post(':id/consume')
  @HttpCode(200)
  @Authenticated({ roles: ACCOUNTANTS })
  @Idempotent()
  @ApiOperation({
    summary: 'Consume from a retainer',
    description: 'Guarded decrement (balance ≥ amount) and the journal entry (debit the retainer, credit revenue) in one transaction; never negative.',
  })
  @ApiOkResponse({ type: RetainerDto })
  @ApiInvalidMoneyInput()
  @ApiIdRouteErrors('The retainer')
  @ApiInsufficientFunds('retainer')
  consume(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @Body() dto: ConsumeRetainerDto): Promise<RetainerDto> {
    return this.retainers.consume(user, id, dto);
  }
}
