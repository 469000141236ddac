import { AppError } from '@app/concurrency';

/** 409 `insufficient-balance`: the leave balance does not cover the request (nothing was reserved). */
export class InsufficientBalanceError extends AppError {
  readonly status = 409;
  readonly code = 'insufficient-balance';
  readonly title = 'Insufficient leave balance';
  constructor(options: { type: string; requested: number; available: number }) {
    super({
      detail: `${options.requested} ${options.type} day(s) requested but only ${options.available} available.`,
      extensions: { leaveType: options.type, requested: options.requested, available: options.available },
    });
  }
}

/** 409 `overlapping-leave`: the employee already has live (pending or approved) leave on one of these dates. */
export class OverlappingLeaveError extends AppError {
  readonly status = 409;
  readonly code = 'overlapping-leave';
  readonly title = 'Overlapping leave';
  constructor(options: { conflictingRequestId: string; from: string; to: string }) {
    super({
      detail: `The employee already has leave from ${options.from} to ${options.to} overlapping these dates.`,
      extensions: { conflictingRequestId: options.conflictingRequestId },
    });
  }
}
