import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ACCOUNTANTS, ANY_ROLE } from '../auth/role';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { JournalEntryDto } from './dto/journal-entry.dto';
import { ReverseEntryDto } from './dto/reverse-entry.dto';
import { ApiIdRouteErrors, ApiInsufficientFunds, ApiInvalidMoneyInput } from './finance.api';
import { JournalEntriesService } from './journal-entries.service';
import { ApiInvalidState } from '../common/swagger/api-problems';

@ApiTags('finance')
@Controller('finance/entries')
export class JournalEntriesController {
  constructor(private readonly entries: JournalEntriesService) {}

  @Get(':id')
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'Get a journal entry' })
  @ApiOkResponse({ type: JournalEntryDto })
  @ApiIdRouteErrors('The entry')
  findOne(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<JournalEntryDto> {
    return this.entries.findOne(user, id);
  }

  @Post(':id/reverse')
  @Authenticated({ roles: ACCOUNTANTS })
  @ApiOperation({
    summary: 'Reverse an entry',
    description: 'Entries are immutable; a correction is a new entry with every debit and credit swapped. Once per entry; payment entries are not reversible.',
  })
  @ApiCreatedResponse({ type: JournalEntryDto })
  @ApiInvalidMoneyInput()
  @ApiIdRouteErrors('The entry')
  @ApiInsufficientFunds('account')
  @ApiInvalidState('A payment or reversal entry cannot be reversed.', 'completed')
  @ApiProblemResponse({ status: 409, code: 'duplicate', title: 'Duplicate', description: 'The entry has already been reversed.', extensions: { fields: ['tenantId', 'reversesEntryId'] } })
  reverse(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @Body() dto: ReverseEntryDto): Promise<JournalEntryDto> {
    return this.entries.reverse(user, id, dto);
  }
}
