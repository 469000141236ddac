import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DatabaseUnavailableError } from '@app/concurrency';
import { IndexSync } from './index-sync.service';

const WITHOUT_INDEXES = 'app:serves-without-indexes';

/** For routes that never write (health, metrics): they keep answering while indexes are rebuilt. */
export const ServesWithoutIndexes = (): MethodDecorator & ClassDecorator => SetMetadata(WITHOUT_INDEXES, true);

/**
 * Global guard: while the database's indexes are being (re)built, every route answers 503
 * `database-unavailable` before anything reads or writes — a unique index that is not there
 * yet refuses no duplicate. Runs before the interceptors (Idempotency-Key claims write too).
 */
@Injectable()
export class IndexGateGuard implements CanActivate {
  constructor(
    private readonly indexes: IndexSync,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.indexes.ready || context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean | undefined>(WITHOUT_INDEXES, [context.getHandler(), context.getClass()])) return true;
    throw new DatabaseUnavailableError({
      detail: 'The database is being prepared (its indexes are being re-created); nothing was changed. Retry shortly.',
      retryAfterSeconds: 1,
    });
  }
}
