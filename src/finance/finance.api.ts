import { applyDecorators } from '@nestjs/common';
import { ApiProblemResponse } from '@app/concurrency';

/*
 * The error responses finance routes share, documented once (Swagger shows each as a
 * Problem Details example).
 */

export const ApiValidationFailed = (): MethodDecorator =>
  ApiProblemResponse({
    status: 400,
    code: 'validation-failed',
    title: 'Validation failed',
    description: 'The body is invalid: amounts are integers in minor units (≥ 1, ≤ 2^53 − 1), currencies ISO 4217 codes from the supported list; see errors[]. Nothing was written.',
    extensions: { errors: [{ field: 'amount', message: 'amount must be an integer number' }] },
  });

export const ApiInvalidId = (): MethodDecorator =>
  ApiProblemResponse({ status: 400, code: 'invalid-id', title: 'Invalid id', description: 'The id in the path is not a 24-character hex id.' });

export const ApiNotFound = (what: string): MethodDecorator =>
  ApiProblemResponse({ status: 404, code: 'not-found', title: 'Not found', description: `${what} does not exist in your tenant.` });

export const ApiInsufficientFunds = (what: 'account' | 'retainer'): MethodDecorator =>
  ApiProblemResponse({
    status: 409,
    code: 'insufficient-funds',
    title: 'Insufficient funds',
    description: `The ${what} holds less than the amount; nothing was posted.`,
    extensions: { [what === 'account' ? 'accountId' : 'retainerId']: '665f1c2e8b3e4a0012345678', requested: 80_000, available: 20_000 },
  });

export const ApiBalanceLimit = (): MethodDecorator =>
  ApiProblemResponse({
    status: 422,
    code: 'balance-limit',
    title: 'Balance limit',
    description: 'The credit would take a balance past 2^53 − 1 minor units, the largest the ledger holds exactly.',
  });

export const ApiCurrencyMismatch = (): MethodDecorator =>
  ApiProblemResponse({
    status: 422,
    code: 'currency-mismatch',
    title: 'Currency mismatch',
    description: 'The two sides are in different currencies; there is no conversion.',
    extensions: { expected: 'EUR', actual: 'USD' },
  });

export const ApiInvalidState = (description: string): MethodDecorator =>
  ApiProblemResponse({ status: 409, code: 'invalid-state', title: 'Invalid state', description, extensions: { currentState: 'completed' } });

export const ApiOverpayment = (): MethodDecorator =>
  ApiProblemResponse({
    status: 409,
    code: 'overpayment',
    title: 'Overpayment',
    description: 'The payment would take the invoice’s amountPaid beyond its total.',
    extensions: { invoiceId: '665f1c2e8b3e4a0012345671', total: 12_500, amountPaid: 10_000, outstanding: 2_500 },
  });

/** 400 for a body and a path id, 404 for the resource: the common trio of id routes with a body. */
export const ApiIdRouteErrors = (what: string): MethodDecorator => applyDecorators(ApiInvalidId(), ApiNotFound(what));
