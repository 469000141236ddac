import { defineProblem } from '@app/problem-details';

/** 409 `last-admin`: the change would leave the tenant without any admin. */
export class LastAdminError extends defineProblem({ status: 409, code: 'last-admin', title: 'Last admin' }, () => ({
  detail: 'The tenant must keep at least one admin; promote someone else first.',
})) {}
