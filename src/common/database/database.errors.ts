import { AppError } from '@app/concurrency';

/** 503 `not-ready` from /health/ready, with the failing checks (terminus' `info`/`error`/`details`). */
export class NotReadyError extends AppError {
  readonly status = 503;
  readonly code = 'not-ready';
  readonly title = 'Not ready';
  constructor(checks: Record<string, unknown>) {
    super({ detail: 'A dependency of this instance is not ready; see details.', extensions: checks, headers: { 'retry-after': '1' } });
  }
}
