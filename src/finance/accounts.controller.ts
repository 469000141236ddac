import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiETag } from '@app/concurrency';
import { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ACCOUNTANTS, ANY_ROLE } from '../auth/role';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { AccountsService } from './accounts.service';
import { AccountDto, AccountPageDto } from './dto/account.dto';
import { CreateAccountDto } from './dto/create-account.dto';
import { JournalEntryPageDto } from './dto/journal-entry.dto';
import { PageQueryDto } from '../common/http/page-query.dto';
import { ApiBalanceLimit, ApiIdRouteErrors, ApiInvalidMoneyInput } from './finance.api';

@ApiTags('finance')
@Controller('finance/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @Authenticated({ roles: ACCOUNTANTS })
  @ApiOperation({ summary: 'Open an account', description: 'A non-zero opening balance is posted against the equity account (one journal entry).' })
  @ApiCreatedResponse({ type: AccountDto })
  @ApiInvalidMoneyInput()
  @ApiBalanceLimit()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateAccountDto): Promise<AccountDto> {
    return this.accounts.create(user, dto);
  }

  @Get()
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'List accounts', description: 'Yours and the system accounts the module keeps (equity, cash, retainer liability, revenue per currency).' })
  @ApiOkResponse({ type: AccountPageDto })
  @ApiInvalidMoneyInput()
  list(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<AccountPageDto> {
    return this.accounts.list(user, query);
  }

  @Get(':id')
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'Get an account' })
  @ApiOkResponse({ type: AccountDto })
  @ApiETag()
  @ApiIdRouteErrors('The account')
  findOne(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<AccountDto> {
    return this.accounts.findOne(user, id);
  }

  @Get(':id/entries')
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ operationId: 'listAccountEntries', summary: 'The account’s journal entries', description: 'Newest first; immutable. Page and total come from one snapshot.' })
  @ApiOkResponse({ type: JournalEntryPageDto })
  @ApiIdRouteErrors('The account')
  entries(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @Query() query: PageQueryDto): Promise<JournalEntryPageDto> {
    return this.accounts.entriesOf(user, id, query);
  }
}
