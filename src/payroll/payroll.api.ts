import { ApiProblemResponse } from '@app/problem-details';

/* Payroll's own Problem Details codes, documented the one way (src/common/swagger/api-problems.ts). */

/** 409 `contention`: the employee document is too busy to serialise another change now. */
export const ApiContention = (): MethodDecorator =>
  ApiProblemResponse({ status: 409, code: 'contention', title: 'Contention', description: 'Too many concurrent changes to the same employee; retry after `Retry-After` seconds.' });
