import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** Where a login comes from, shown in the session list so a user can recognise their devices. */
export interface ClientInfo {
  userAgent: string | null;
  ip: string | null;
}

/** Handler parameter: the caller's user agent and address. */
export const Client = createParamDecorator((_data: unknown, context: ExecutionContext): ClientInfo => {
  const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown>; ip?: string }>();
  const agent = request.headers['user-agent'];
  return { userAgent: typeof agent === 'string' ? agent.slice(0, 512) : null, ip: request.ip ?? null };
});
