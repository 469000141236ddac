import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiProblemResponse } from './api-problem-response.decorator';
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
      description:
        'A unique key (e.g. a UUID) per logical operation. Retrying with the same key and body returns the first response (header `Idempotent-Replayed: true`) without repeating the effect. Remembered for 24 h.',
      example: '7f9c2e4b-3b1e-4c8e-9a53-2f0d8f1c6a11',
      schema: { type: 'string', maxLength: 255 },
    }),
    ApiProblemResponse({
      status: 409,
      code: 'idempotency-in-progress',
      title: 'Request in progress',
      description: 'A request with this Idempotency-Key is still being processed; retry after `Retry-After` seconds.',
    }),
    ApiProblemResponse({
      status: 422,
      code: 'idempotency-key-reused',
      title: 'Idempotency-Key reused',
      description: 'This Idempotency-Key was already used with a different method, path or body.',
    }),
  );
}
