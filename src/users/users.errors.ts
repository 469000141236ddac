import { AppError } from '@app/concurrency';

/** 409 `last-admin`: the change would leave the tenant without any admin. */
export class LastAdminError extends AppError {
  readonly status = 409;
  readonly code = 'last-admin';
  readonly title = 'Last admin';
  constructor() {
    super({ detail: 'The tenant must keep at least one admin; promote someone else first.' });
  }
}
