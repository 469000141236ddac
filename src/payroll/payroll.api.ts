import { ContentionError } from '@app/concurrency';
import { ApiProblemResponse } from '@app/problem-details';

/* Payroll's own Problem Details codes, documented the one way (src/common/swagger/api-problems.ts). */

/** 409 `contention`: the employee document is too busy to serialise another change now. */
export const ApiContention = (): MethodDecorator =>
  ApiProblemResponse({ ...ContentionError.problem, description: 'Too many concurrent changes to the same employee; retry after `Retry-After` seconds.' });
