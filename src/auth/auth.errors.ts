import { AppError } from '@app/concurrency';

/** 429 `too-many-requests` with Retry-After (seconds): an auth endpoint's rate limit was hit. */
export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly code = 'too-many-requests';
  readonly title = 'Too many requests';
  constructor(retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super({ detail: `Too many attempts; retry in ${seconds} s.`, headers: { 'retry-after': String(seconds) }, extensions: { retryAfter: seconds } });
  }
}

/** 400 `invalid-token`: a password-reset token that is unknown, expired or already used. */
export class InvalidResetTokenError extends AppError {
  readonly status = 400;
  readonly code = 'invalid-token';
  readonly title = 'Invalid token';
  constructor() {
    super({ detail: 'This password-reset token is invalid, expired or already used. Request a new one.' });
  }
}
