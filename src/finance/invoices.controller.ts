import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { ApiETag, IfMatchVersion, RequireIfMatch } from '@app/concurrency';
import { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ACCOUNTANTS, ANY_ROLE } from '../auth/role';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { CreateInvoiceDto } from './dto/create-invoice.dto';
import { InvoiceDto, InvoicePageDto } from './dto/invoice.dto';
import { PageQueryDto } from '../common/http/page-query.dto';
import { ApiIdRouteErrors, ApiInvalidMoneyInput } from './finance.api';
import { InvoicesService } from './invoices.service';
import { ApiInvalidState, ApiNotFound } from '../common/swagger/api-problems';

@ApiTags('finance')
@Controller('finance/invoices')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Post()
  @Authenticated({ roles: ACCOUNTANTS })
  @ApiOperation({
    summary: 'Issue an invoice',
    description: 'Numbers are per tenant, unique and consecutive (INV-000001, …). At most one live (not void) invoice per inventory order.',
  })
  @ApiBody({
    type: CreateInvoiceDto,
    examples: {
      'without an order': {
        value: { customerName: 'Acme Ltd', currency: 'EUR', lines: [{ description: 'Steel bracket M8', quantity: 10, unitPrice: 1_250 }] },
      },
      'for an inventory order': {
        description: 'Replace orderId with the id of one of your orders (POST /api/v1/inventory/orders).',
        value: { orderId: '665f1c2e8b3e4a0012345670', customerName: 'Acme Ltd', currency: 'EUR', lines: [{ description: 'Order 42', quantity: 1, unitPrice: 99_900 }] },
      },
    },
  })
  @ApiCreatedResponse({ type: InvoiceDto })
  @ApiInvalidMoneyInput()
  @ApiNotFound('The order')
  @ApiProblemResponse({
    status: 409,
    code: 'duplicate',
    title: 'Duplicate',
    description: 'The order already has a live invoice; `existingInvoiceId` names it.',
    extensions: { fields: ['orderId'], existingInvoiceId: '665f1c2e8b3e4a0012345671', existingInvoiceNumber: 'INV-000001' },
  })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateInvoiceDto): Promise<InvoiceDto> {
    return this.invoices.create(user, dto);
  }

  @Get()
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'List invoices', description: 'Newest first.' })
  @ApiOkResponse({ type: InvoicePageDto })
  @ApiInvalidMoneyInput()
  list(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<InvoicePageDto> {
    return this.invoices.list(user, query);
  }

  @Get(':id')
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'Get an invoice' })
  @ApiOkResponse({ type: InvoiceDto })
  @ApiETag()
  @ApiIdRouteErrors('The invoice')
  findOne(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<InvoiceDto> {
    return this.invoices.findOne(user, id);
  }

  @Post(':id/void')
  @HttpCode(200)
  @Authenticated({ roles: ACCOUNTANTS })
  @RequireIfMatch()
  @ApiOperation({ summary: 'Void an unpaid invoice', description: 'Only from `issued` (nothing paid). Frees its order for a new invoice.' })
  @ApiOkResponse({ type: InvoiceDto })
  @ApiIdRouteErrors('The invoice')
  @ApiInvalidState('The invoice is (partially) paid or already void.', 'completed')
  void(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string, @IfMatchVersion() version: number): Promise<InvoiceDto> {
    return this.invoices.void(user, id, version);
  }
}
