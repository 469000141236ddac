import { defineProblem } from '@app/problem-details';

/** 409 `insufficient-balance`: the leave balance does not cover the request (nothing was reserved). */
export class InsufficientBalanceError extends defineProblem(
  { status: 409, code: 'insufficient-balance', title: 'Insufficient leave balance' },
  (options: { type: string; requested: number; available: number }) => ({
    detail: `${options.requested} ${options.type} day(s) requested but only ${options.available} available.`,
    extensions: { leaveType: options.type, requested: options.requested, available: options.available },
  }),
) {}

/** 409 `overlapping-leave`: the employee already has live (pending or approved) leave on one of these dates. */
export class OverlappingLeaveError extends defineProblem(
  { status: 409, code: 'overlapping-leave', title: 'Overlapping leave' },
  (options: { conflictingRequestId: string; from: string; to: string }) => ({
    detail: `The employee already has leave from ${options.from} to ${options.to} overlapping these dates.`,
    extensions: { conflictingRequestId: options.conflictingRequestId },
  }),
) {}
