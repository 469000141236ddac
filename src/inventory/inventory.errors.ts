import { defineProblem } from '@app/problem-details';

/**
 * 409 `insufficient-stock`: the item has fewer free units than requested. `available` is the
 * item's quantityOnHand (free stock) at the moment the guarded decrement missed; for an order,
 * `line` names the short line (0-based index into `lines`).
 */
export class InsufficientStockError extends defineProblem(
  { status: 409, code: 'insufficient-stock', title: 'Insufficient stock' },
  (options: { itemId: string; requested: number; available: number; line?: number }) => ({
    detail: `${options.line === undefined ? '' : `Line ${options.line}: `}item ${options.itemId} has ${options.available} available, ${options.requested} requested.`,
    extensions: {
      itemId: options.itemId,
      requested: options.requested,
      available: options.available,
      ...(options.line === undefined ? {} : { line: options.line }),
    },
  }),
) {}
