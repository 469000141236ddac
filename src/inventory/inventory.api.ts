import { applyDecorators } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/concurrency';

/*
 * The error responses inventory routes share, documented once (Problem Details bodies with
 * working examples). Authentication answers (401 / 403) come with @Authenticated.
 */

/** 400 `validation-failed` (body or query) and `invalid-id` (path). */
export const ApiBadInput = (): MethodDecorator =>
  applyDecorators(
    ApiProblemResponse({
      status: 400,
      code: 'validation-failed',
      title: 'Validation failed',
      description: 'The body or query is invalid (e.g. quantity 0, 1.5 or "two"); see errors[]. Also `invalid-id` for a malformed path id.',
      extensions: { errors: [{ field: 'quantity', message: 'quantity must not be less than 1' }] },
    }),
  );

/** 404 `not-found`: unknown id, or another tenant's. */
export const ApiNotFound = (resource: string): MethodDecorator =>
  applyDecorators(ApiProblemResponse({ status: 404, code: 'not-found', title: 'Not found', description: `${resource} not found (or it belongs to another tenant).` }));

/** 409 `insufficient-stock` with `available`. */
export const ApiInsufficientStock = (): MethodDecorator =>
  applyDecorators(
    ApiProblemResponse({
      status: 409,
      code: 'insufficient-stock',
      title: 'Insufficient stock',
      description: 'Not enough free stock: `available` is the item’s quantityAvailable (on hand − allocated), `requested` what was asked (`line` for an order line). Nothing was allocated.',
      extensions: { itemId: '665f1c2e8b3e4a0012345678', requested: 80, available: 20 },
    }),
  );

/** 409 `invalid-state` with `currentState`. */
export const ApiInvalidState = (description: string, currentState: string): MethodDecorator =>
  applyDecorators(ApiProblemResponse({ status: 409, code: 'invalid-state', title: 'Invalid state', description, extensions: { currentState } }));

/** The `:id` path parameter (24-hex ObjectId; anything else is 400 `invalid-id`). */
export const ApiIdParam = (resource: string): MethodDecorator =>
  ApiParam({ name: 'id', description: `${resource} id (24 hex characters).`, example: '665f1c2e8b3e4a0012345678', schema: { type: 'string', pattern: '^[0-9a-fA-F]{24}$' } });
