import { defineProblem } from '@app/problem-details';

/** 429 `too-many-requests` with Retry-After (seconds): an auth endpoint's rate limit was hit. */
export class TooManyRequestsError extends defineProblem({ status: 429, code: 'too-many-requests', title: 'Too many requests' }, (retryAfterSeconds: number) => {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return { detail: `Too many attempts; retry in ${seconds} s.`, headers: { 'retry-after': String(seconds) }, extensions: { retryAfter: seconds } };
}) {}

/** 400 `invalid-token`: a password-reset token that is unknown, expired or already used. */
export class InvalidResetTokenError extends defineProblem({ status: 400, code: 'invalid-token', title: 'Invalid token' }, () => ({
  detail: 'This password-reset token is invalid, expired or already used. Request a new one.',
})) {}
