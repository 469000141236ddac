import { ApiParam } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { ApiValidationFailed } from '../common/swagger/api-problems';
import { InsufficientStockError } from './inventory.errors';

/* Inventory's own Problem Details codes and its id parameter, documented the one way (src/common/swagger/api-problems.ts). */

/** 400 `validation-failed` (body or query) and `invalid-id` (path). */
export const ApiBadInput = (): MethodDecorator =>
  ApiValidationFailed('The body or query is invalid (e.g. quantity 0, 1.5 or "two"); see errors[]. Also `invalid-id` for a malformed path id.', {
    field: 'quantity',
    message: 'quantity must not be less than 1',
  });

/** 409 `insufficient-stock` with `available`. */
export const ApiInsufficientStock = (): MethodDecorator =>
  ApiProblemResponse({
    ...InsufficientStockError.problem,
    description: 'Not enough free stock: `available` is the item’s quantityAvailable (on hand − allocated), `requested` what was asked (`line` for an order line). Nothing was allocated.',
    extensions: { itemId: '665f1c2e8b3e4a0012345678', requested: 80, available: 20 },
  });

/** The `:id` path parameter (24-hex ObjectId; anything else is 400 `invalid-id`). */
export const ApiIdParam = (resource: string): MethodDecorator =>
  ApiParam({ name: 'id', description: `${resource} id (24 hex characters).`, example: '665f1c2e8b3e4a0012345678', schema: { type: 'string', pattern: '^[0-9a-fA-F]{24}$' } });
