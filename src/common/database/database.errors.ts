import { defineProblem } from '@app/problem-details';

/** 503 `not-ready` from /health/ready, with the failing checks (terminus' `info`/`error`/`details`). */
export class NotReadyError extends defineProblem({ status: 503, code: 'not-ready', title: 'Not ready' }, (checks: Record<string, unknown>) => ({
  detail: 'A dependency of this instance is not ready; see details.',
  extensions: checks,
  headers: { 'retry-after': '1' },
})) {}
