import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiETag, Idempotent } from '@app/concurrency';
import { AuthUser } from '../auth/auth-user';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ACCOUNTANTS, ANY_ROLE } from '../auth/role';
import { ParseObjectIdPipe } from '../common/http/parse-object-id.pipe';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { PaymentDto } from './dto/payment.dto';
import { ApiCurrencyMismatch, ApiIdRouteErrors, ApiInvalidMoneyInput, ApiOverpayment } from './finance.api';
import { PaymentsService } from './payments.service';
import { ApiInvalidState, ApiNotFound } from '../common/swagger/api-problems';

@ApiTags('finance')
@Controller('finance/payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post()
  @Authenticated({ roles: ACCOUNTANTS })
  @Idempotent()
  @ApiOperation({ summary: 'Record a pending payment', description: 'Nothing is posted until it is completed.' })
  @ApiBody({
    type: CreatePaymentDto,
    examples: {
      'a payment received': { value: { customerName: 'Acme Ltd', amount: 12_500, currency: 'EUR', method: 'bank_transfer' } },
      'paying an invoice': {
        description: 'Replace invoiceId with one of your invoices; the currency must match it.',
        value: { invoiceId: '665f1c2e8b3e4a0012345671', customerName: 'Acme Ltd', amount: 12_500, currency: 'EUR', method: 'card' },
      },
    },
  })
  @ApiCreatedResponse({ type: PaymentDto })
  @ApiInvalidMoneyInput()
  @ApiNotFound('The invoice')
  @ApiCurrencyMismatch()
  @ApiInvalidState('The invoice is void or fully paid.', 'completed')
  @ApiOverpayment()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreatePaymentDto): Promise<PaymentDto> {
    return this.payments.create(user, dto);
  }

  @Get(':id')
  @Authenticated({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'Get a payment' })
  @ApiOkResponse({ type: PaymentDto })
  @ApiETag()
  @ApiIdRouteErrors('The payment')
  findOne(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<PaymentDto> {
    return this.payments.findOne(user, id);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Authenticated({ roles: ACCOUNTANTS })
  @ApiOperation({
    summary: 'Complete a pending payment (exactly once)',
    description: 'pending → completed, the journal entry (debit cash, credit revenue) and the invoice’s amountPaid / status in one transaction.',
  })
  @ApiOkResponse({ type: PaymentDto })
  @ApiIdRouteErrors('The payment (or its invoice)')
  @ApiInvalidState('The payment is not pending (already completed or cancelled), or its invoice no longer takes payments.', 'completed')
  @ApiOverpayment()
  complete(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<PaymentDto> {
    return this.payments.complete(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Authenticated({ roles: ACCOUNTANTS })
  @ApiOperation({ summary: 'Cancel a pending payment' })
  @ApiOkResponse({ type: PaymentDto })
  @ApiIdRouteErrors('The payment')
  @ApiInvalidState('The payment is not pending.', 'completed')
  cancel(@CurrentUser() user: AuthUser, @Param('id', ParseObjectIdPipe) id: string): Promise<PaymentDto> {
    return this.payments.cancel(user, id);
  }
}
