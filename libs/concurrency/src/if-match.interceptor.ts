import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { HttpRequestLike } from '@app/problem-details';
import { parseIfMatch } from './if-match';

/**
 * Requires If-Match before the handler (and its pipes) run: missing → 428, malformed → 400.
 * The parsed version is handed to the handler by `@IfMatchVersion()`.
 */
@Injectable()
export class IfMatchInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    parseIfMatch(context.switchToHttp().getRequest<HttpRequestLike>());
    return next.handle();
  }
}
