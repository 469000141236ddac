import { AppError } from '@app/concurrency';

/**
 * 503 `database-unavailable`: the database answers but the app cannot yet guarantee its
 * invariants there (its unique, partial and TTL indexes are being re-created, e.g. after the
 * database was replaced). Nothing was changed; retry after `Retry-After` seconds.
 */
export class DatabaseNotReadyError extends AppError {
  readonly status = 503;
  readonly code = 'database-unavailable';
  readonly title = 'Database unavailable';
  constructor() {
    super({
      detail: 'The database is being prepared (its indexes are being re-created); nothing was changed. Retry shortly.',
      headers: { 'retry-after': '1' },
    });
  }
}

/** 503 `not-ready` from /health/ready, with the failing checks (terminus' `info`/`error`/`details`). */
export class NotReadyError extends AppError {
  readonly status = 503;
  readonly code = 'not-ready';
  readonly title = 'Not ready';
  constructor(checks: Record<string, unknown>) {
    super({ detail: 'A dependency of this instance is not ready; see details.', extensions: checks, headers: { 'retry-after': '1' } });
  }
}
