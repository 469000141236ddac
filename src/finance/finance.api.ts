import { applyDecorators } from '@nestjs/common';
import { ApiProblemResponse } from '@app/problem-details';
import { ApiInvalidId, ApiNotFound, ApiValidationFailed } from '../common/swagger/api-problems';
import { BalanceLimitError, CurrencyMismatchError, InsufficientFundsError, OverpaymentError } from './finance.errors';

/* Finance's own Problem Details codes, documented the one way (src/common/swagger/api-problems.ts). */

/** 400 `validation-failed` with what finance bodies must satisfy. */
export const ApiInvalidMoneyInput = (): MethodDecorator =>
  ApiValidationFailed(
    'The body is invalid: amounts are integers in minor units (≥ 1, ≤ 2^53 − 1), currencies active ISO 4217 codes; see errors[]. Nothing was written.',
    { field: 'amount', message: 'amount must be an integer number' },
  );

export const ApiInsufficientFunds = (what: 'account' | 'retainer'): MethodDecorator =>
  ApiProblemResponse({
    ...InsufficientFundsError.problem,
    description: `The ${what} holds less than the amount; nothing was posted.`,
    extensions: { [what === 'account' ? 'accountId' : 'retainerId']: '665f1c2e8b3e4a0012345678', requested: 80_000, available: 20_000 },
  });

export const ApiBalanceLimit = (): MethodDecorator =>
  ApiProblemResponse({
    ...BalanceLimitError.problem,
    description: 'The credit would take a balance past 2^53 − 1 minor units, the largest the ledger holds exactly.',
  });

export const ApiCurrencyMismatch = (): MethodDecorator =>
  ApiProblemResponse({
    ...CurrencyMismatchError.problem,
    description: 'The two sides are in different currencies; there is no conversion.',
    extensions: { expected: 'EUR', actual: 'USD' },
  });

export const ApiOverpayment = (): MethodDecorator =>
  ApiProblemResponse({
    ...OverpaymentError.problem,
    description: 'The payment would take the invoice’s amountPaid beyond its total.',
    extensions: { invoiceId: '665f1c2e8b3e4a0012345671', total: 12_500, amountPaid: 10_000, outstanding: 2_500 },
  });

/** 400 `invalid-id` for the path id and 404 for the resource: what every id route answers. */
export const ApiIdRouteErrors = (what: string): MethodDecorator => applyDecorators(ApiInvalidId(), ApiNotFound(what));
