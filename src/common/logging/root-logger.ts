import { ClsServiceManager } from 'nestjs-cls';
import pino, { type Logger, type LoggerOptions } from 'pino';

/** CLS key of the request id (set per request by the context hook, read by every log line). */
export const REQUEST_ID_KEY = 'requestId';

export interface RootLoggerOptions {
  level: string;
  /** Human-readable lines (pino-pretty) instead of JSON. */
  pretty: boolean;
}

/**
 * Pretty on a developer's terminal, JSON everywhere else (a pipe, a file, a log shipper, and
 * always in production, where a terminal is an accident).
 */
export function wantsPrettyLogs(nodeEnv: string, stdoutIsTty = Boolean(process.stdout.isTTY)): boolean {
  return stdoutIsTty && nodeEnv !== 'production';
}

/**
 * The process's one pino logger. Lines written while a request is served carry its request
 * id (read from the request's CLS context, the one AsyncLocalStorage of the app), so they
 * join the access-log line and the response's X-Request-Id.
 */
export function createRootLogger(options: RootLoggerOptions): Logger {
  const config: LoggerOptions = {
    level: options.level,
    mixin() {
      const cls = ClsServiceManager.getClsService();
      if (!cls.isActive()) return {};
      const reqId = cls.get(REQUEST_ID_KEY) as string | undefined;
      return reqId ? { reqId } : {};
    },
  };
  // Synchronous writes: a line is out before the next statement runs, so the lines of a
  // shutdown (Nest re-raises SIGTERM right after its hooks) or a crash are never lost in a
  // buffer. One ~200-byte write per request costs microseconds against milliseconds of work.
  if (!options.pretty) return pino(config, pino.destination({ dest: 1, sync: true }));
  // Loaded only here: production never needs it. Synchronous (no worker thread): a terminal is slow anyway.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pino(
    config,
    pretty({
      colorize: true,
      translateTime: 'HH:MM:ss.l',
      singleLine: true,
      // An access line reads "GET /api/v1/… 200 3.1 ms {reqId, tenant, user}": the fields already in the message are not repeated.
      messageFormat: '{if context}[{context}] {end}{msg}{if ms} {ms} ms{end}',
      ignore: 'pid,hostname,context,method,route,status,ms',
      sync: true,
    }),
  );
}
