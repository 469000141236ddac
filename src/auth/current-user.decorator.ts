import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { UnauthenticatedError } from '@app/problem-details';
import type { AuthUser } from './auth-user';

/** Handler parameter: the caller (`request.user`), set by the global AuthGuard on `@Authenticated` routes. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
  // Only reachable on a @Public route by mistake: fail closed.
  if (!user) throw new UnauthenticatedError();
  return user;
});
