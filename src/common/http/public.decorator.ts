import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'app:is-public';

/**
 * Opts a route (or controller) out of authentication. The global guard denies every route
 * that is neither `@Public()` nor `@Authenticated(...)`, so forgetting a decorator fails closed.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
