import { InvalidStateError } from '@app/concurrency';
import { ApiProblemResponse, InvalidIdError, NotFoundError, ValidationFailedError } from '@app/problem-details';

/*
 * THE way to document a route's errors: one `Api<Problem>()` decorator per Problem Details code,
 * each a thin call of @ApiProblemResponse (which merges codes sharing a status into one response
 * with an example each) taking status, code and title from the error class (`...NotFoundError.problem`). The codes every module answers live here; a module's own codes
 * (insufficient-stock, overpayment, contention…) live in its `<module>.api.ts` in the same shape.
 * 401/403 come with @Authenticated, 412/428 with @RequireIfMatch, 409/422 with @Idempotent.
 */

type ProblemDecorator = MethodDecorator & ClassDecorator;

/** 400 `validation-failed`: the body, query or path failed validation; `errors[]` lists the fields. */
export const ApiValidationFailed = (
  description = 'The body, query or path is invalid; see errors[]. Nothing was written.',
  example: { field: string; message: string } = { field: 'name', message: 'name must be longer than or equal to 1 characters' },
): ProblemDecorator => ApiProblemResponse({ ...ValidationFailedError.problem, description, extensions: { errors: [example] } });

/** 400 `invalid-id`: a path id is not a 24-character hex id. */
export const ApiInvalidId = (description = 'A path id is not a 24-character hex id.'): ProblemDecorator =>
  ApiProblemResponse({ ...InvalidIdError.problem, description });

/** 404 `not-found`: no such resource in the caller's tenant (another tenant's answers the same). */
export const ApiNotFound = (what: string): ProblemDecorator =>
  ApiProblemResponse({ ...NotFoundError.problem, description: `No such ${what[0].toLowerCase()}${what.slice(1)} in your tenant (another tenant’s looks exactly like a missing one).` });

/** 409 `invalid-state`: the resource's state does not allow this; `currentState` says which it is in. */
export const ApiInvalidState = (description: string, currentState: string): ProblemDecorator =>
  ApiProblemResponse({ ...InvalidStateError.problem, description, extensions: { currentState } });
