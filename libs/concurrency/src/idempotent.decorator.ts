import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiProblemResponse } from '@app/problem-details';
import { IdempotencyInProgressError, IdempotencyKeyReusedError } from './errors';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * Makes a POST safe to retry: with an `Idempotency-Key` header the first request's effects
 * and response are recorded atomically and later requests with the same key get the same
 * response (`Idempotent-Replayed: true`) without a second effect. Documents the header and
 * the 409 / 422 answers in Swagger.
 *
 * ```ts
 * @Post() @Idempotent()
 * create(@Body() dto: CreateOrderDto) { return this.orders.create(dto); }
 * ```
 */
export function Idempotent(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      // No example: Swagger UI would pre-fill the same key into every form, so the second use
      // anywhere in a tenant would be a 422 (or a silent replay).
      description:
        'Optional; set it to retry safely. A new unique key (e.g. a UUID) per logical operation: retrying with the same key and body returns the first response (header `Idempotent-Replayed: true`) without repeating the effect.',
      schema: { type: 'string', maxLength: 255 },
    }),
    ApiProblemResponse({
      ...IdempotencyInProgressError.problem,
      description: 'A request with this Idempotency-Key is still being processed; retry after `Retry-After` seconds.',
    }),
    ApiProblemResponse({
      ...IdempotencyKeyReusedError.problem,
      description: 'This Idempotency-Key was already used with a different method, path or body.',
    }),
  );
}
