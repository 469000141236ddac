import { AppError } from '@app/concurrency';

/**
 * 409 `insufficient-funds`: the guarded decrement found less than the amount. `available` is
 * the balance read right after the guard missed (it may have moved since; retrying is safe).
 */
export class InsufficientFundsError extends AppError {
  readonly status = 409;
  readonly code = 'insufficient-funds';
  readonly title = 'Insufficient funds';

  constructor(options: { resource: 'account' | 'retainer'; id: string; requested: number; available: number }) {
    super({
      detail: `The ${options.resource} ${options.id} holds ${options.available}; ${options.requested} was requested.`,
      extensions: {
        [options.resource === 'account' ? 'accountId' : 'retainerId']: options.id,
        requested: options.requested,
        available: options.available,
      },
    });
  }
}

/** 422 `currency-mismatch`: money of one currency cannot move to or pay something in another. */
export class CurrencyMismatchError extends AppError {
  readonly status = 422;
  readonly code = 'currency-mismatch';
  readonly title = 'Currency mismatch';

  constructor(options: { expected: string; actual: string; detail?: string }) {
    super({
      detail: options.detail ?? `Expected ${options.expected}, got ${options.actual}; there is no currency conversion.`,
      extensions: { expected: options.expected, actual: options.actual },
    });
  }
}

/** 409 `overpayment`: the payment would take the invoice's amountPaid beyond its total. */
export class OverpaymentError extends AppError {
  readonly status = 409;
  readonly code = 'overpayment';
  readonly title = 'Overpayment';

  constructor(options: { invoiceId: string; total: number; amountPaid: number; amount: number }) {
    super({
      detail: `Invoice ${options.invoiceId} has ${options.total - options.amountPaid} outstanding; a payment of ${options.amount} would exceed its total.`,
      extensions: {
        invoiceId: options.invoiceId,
        total: options.total,
        amountPaid: options.amountPaid,
        outstanding: options.total - options.amountPaid,
      },
    });
  }
}

/**
 * 422 `balance-limit`: the credit would take a balance past the largest exactly representable
 * amount (2^53 − 1 minor units). Refused rather than rounded.
 */
export class BalanceLimitError extends AppError {
  readonly status = 422;
  readonly code = 'balance-limit';
  readonly title = 'Balance limit';

  constructor(options: { resource: 'account' | 'retainer'; id: string }) {
    super({
      detail: `Crediting the ${options.resource} ${options.id} would exceed the largest balance the ledger holds exactly.`,
      extensions: { [options.resource === 'account' ? 'accountId' : 'retainerId']: options.id },
    });
  }
}
