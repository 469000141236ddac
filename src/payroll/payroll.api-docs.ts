import type { ApiProblemResponseOptions } from '@app/concurrency';

/** Problem Details documented on several payroll routes (Swagger only). */
export const API_PROBLEMS = {
  validation: { status: 400, code: 'validation-failed', title: 'Validation failed', description: 'The body or query is invalid; see errors[]. Nothing was written.' },
  invalidId: { status: 400, code: 'invalid-id', title: 'Invalid id', description: 'A path id is not a 24-character hex id.' },
  notFound: (what: string): ApiProblemResponseOptions => ({
    status: 404,
    code: 'not-found',
    title: 'Not found',
    description: `No such ${what} in your tenant (another tenant’s looks exactly like this).`,
  }),
  invalidState: (detail: string): ApiProblemResponseOptions => ({ status: 409, code: 'invalid-state', title: 'Invalid state', description: detail, extensions: { currentState: 'approved' } }),
  contention: { status: 409, code: 'contention', title: 'Contention', description: 'Too many concurrent changes to the same employee; retry after `Retry-After` seconds.' },
} satisfies Record<string, ApiProblemResponseOptions | ((arg: string) => ApiProblemResponseOptions)>;
