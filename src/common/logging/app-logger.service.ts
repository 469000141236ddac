import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's LoggerService on the root pino logger: Nest's `Logger` calls (bootstrap, route map,
 * `new Logger(Context).warn(...)`) become pino lines with a `context` field.
 */
export class AppLogger implements LoggerService {
  private unprefixed?: { prefix: string; controllers: RegExp };

  constructor(readonly pino: Logger) {}

  /**
   * Controllers served outside the global prefix (health, metrics). Nest's route map prints a
   * controller's line before it knows the methods, so prefix exclusions never apply to it
   * ("HealthController {/api/v1/health}" while the routes are /health/*); those lines are
   * corrected here.
   */
  excludeFromPrefix(prefix: string, paths: readonly string[]): void {
    const roots = [...new Set(paths.map((p) => p.split('/')[0]))].map(escapeRegExp);
    this.unprefixed = { prefix: `/${prefix}`, controllers: new RegExp(`^\\w+ \\{/${escapeRegExp(prefix)}/(${roots.join('|')})\\}:$`) };
  }

  log(message: unknown, ...params: unknown[]): void {
    if (this.unprefixed && typeof message === 'string' && params[0] === 'RoutesResolver' && this.unprefixed.controllers.test(message)) {
      message = message.replace(`{${this.unprefixed.prefix}/`, '{/');
    }
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params, true);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params, true);
  }

  /** Nest passes `(message, context)`, or for errors `(message, stack, context)`. */
  private write(level: Level, message: unknown, params: unknown[], mayHaveStack = false): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...params];
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (mayHaveStack && typeof rest[0] === 'string') fields.stack = rest.shift();
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (message !== null && typeof message === 'object') this.pino[level]({ ...fields, ...(message as object) });
    else this.pino[level](fields, String(message));
  }
}
