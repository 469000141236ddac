import { defineProblem } from '@app/problem-details';

/** The extension member naming an account or a retainer: `accountId` / `retainerId`. */
const holderOf = (resource: 'account' | 'retainer', id: string) => ({ [resource === 'account' ? 'accountId' : 'retainerId']: id });

/**
 * 409 `insufficient-funds`: the guarded decrement found less than the amount. `available` is
 * the balance read right after the guard missed (it may have moved since; retrying is safe).
 */
export class InsufficientFundsError extends defineProblem(
  { status: 409, code: 'insufficient-funds', title: 'Insufficient funds' },
  (options: { resource: 'account' | 'retainer'; id: string; requested: number; available: number }) => ({
    detail: `The ${options.resource} ${options.id} holds ${options.available}; ${options.requested} was requested.`,
    extensions: { ...holderOf(options.resource, options.id), requested: options.requested, available: options.available },
  }),
) {}

/** 422 `currency-mismatch`: money of one currency cannot move to or pay something in another. */
export class CurrencyMismatchError extends defineProblem(
  { status: 422, code: 'currency-mismatch', title: 'Currency mismatch' },
  (options: { expected: string; actual: string; detail?: string }) => ({
    detail: options.detail ?? `Expected ${options.expected}, got ${options.actual}; there is no currency conversion.`,
    extensions: { expected: options.expected, actual: options.actual },
  }),
) {}

/** 409 `overpayment`: the payment would take the invoice's amountPaid beyond its total. */
export class OverpaymentError extends defineProblem(
  { status: 409, code: 'overpayment', title: 'Overpayment' },
  (options: { invoiceId: string; total: number; amountPaid: number; amount: number }) => ({
    detail: `Invoice ${options.invoiceId} has ${options.total - options.amountPaid} outstanding; a payment of ${options.amount} would exceed its total.`,
    extensions: { invoiceId: options.invoiceId, total: options.total, amountPaid: options.amountPaid, outstanding: options.total - options.amountPaid },
  }),
) {}

/**
 * 422 `balance-limit`: the credit would take a balance past the largest exactly representable
 * amount (2^53 − 1 minor units). Refused rather than rounded.
 */
export class BalanceLimitError extends defineProblem(
  { status: 422, code: 'balance-limit', title: 'Balance limit' },
  (options: { resource: 'account' | 'retainer'; id: string }) => ({
    detail: `Crediting the ${options.resource} ${options.id} would exceed the largest balance the ledger holds exactly.`,
    extensions: holderOf(options.resource, options.id),
  }),
) {}
