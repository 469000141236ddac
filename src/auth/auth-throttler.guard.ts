import { applyDecorators, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { SkipThrottle, ThrottlerGuard, ThrottlerModuleOptions, ThrottlerOptions, ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerLimitDetail } from '@nestjs/throttler/dist/throttler.guard.interface';
import { ApiProblemResponse } from '@app/problem-details';
import { TooManyRequestsError } from './auth.errors';

/** Named limits of the auth endpoints. Each route counts separately (the key includes the handler). */
export const THROTTLE_BY_IP = 'ip';
export const THROTTLE_BY_LOGIN_EMAIL = 'login-email';
const MINUTE_MS = 60_000;

/** The email a login attempt names, normalised like LoginDto does (the guard runs before validation). */
export function loginEmailTracker(request: Record<string, any>): string {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' && email.trim() ? `email:${email.trim().toLowerCase()}` : `no-email:${String(request.ip)}`;
}

/**
 * 60 per minute per IP on every throttled auth route, and on login also 10 per minute per
 * email (so a distributed guesser against one account is stopped too). The counters live in
 * `storage` — the database in the app (MongoThrottlerStorage), so the limits hold across
 * instances instead of multiplying with them.
 */
export function authThrottlerOptions(enabled: boolean, storage?: ThrottlerStorage): ThrottlerModuleOptions {
  const throttlers: ThrottlerOptions[] = [
    { name: THROTTLE_BY_IP, ttl: MINUTE_MS, limit: 60 },
    { name: THROTTLE_BY_LOGIN_EMAIL, ttl: MINUTE_MS, limit: 10, getTracker: loginEmailTracker },
  ];
  return { throttlers, skipIf: () => !enabled, ...(storage ? { storage } : {}) };
}

/**
 * @nestjs/throttler's guard, answering with the app's typed error: 429 Problem Details
 * (`too-many-requests`) with Retry-After, instead of Nest's ThrottlerException.
 * Applied per route (never globally) by {@link ThrottleLogin} / {@link ThrottleByIp}.
 */
@Injectable()
export class AuthThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new TooManyRequestsError(detail.timeToBlockExpire);
  }
}

const TOO_MANY = ApiProblemResponse({
  status: 429,
  code: 'too-many-requests',
  title: 'Too many requests',
  description: 'Rate limit of this auth endpoint reached; the Retry-After header says when to try again.',
  extensions: { retryAfter: 42 },
});

/** Login: 10/min per email and 60/min per IP. */
export const ThrottleLogin = (): MethodDecorator => applyDecorators(UseGuards(AuthThrottlerGuard), TOO_MANY);

/** Signup, refresh, password reset: 60/min per IP. */
export const ThrottleByIp = (): MethodDecorator =>
  applyDecorators(UseGuards(AuthThrottlerGuard), SkipThrottle({ [THROTTLE_BY_LOGIN_EMAIL]: true }), TOO_MANY);
