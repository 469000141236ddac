import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { HttpRequestLike } from '@app/problem-details';
import { parseIfMatch } from './if-match';

/**
 * Handler parameter: the version named by the request's If-Match, as a number (428 when
 * missing). Pair with `@RequireIfMatch()` for the Swagger documentation and early check.
 *
 * ```ts
 * @Patch(':id') @RequireIfMatch()
 * update(@Param('id') id: string, @IfMatchVersion() version: number, @Body() dto: UpdateItemDto) { … }
 * ```
 */
export const IfMatchVersion = createParamDecorator((_data: unknown, context: ExecutionContext): number =>
  parseIfMatch(context.switchToHttp().getRequest<HttpRequestLike>()),
);
