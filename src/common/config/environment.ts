import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength, validateSync } from 'class-validator';

/** The well-known placeholder secret; production refuses to start with it. */
export const DEFAULT_JWT_SECRET = 'dev-only-insecure-jwt-secret-change-me';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
// `MONGODB_URI=` (as in .env.example) means "not set", not "connect to ''".
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
const toBool = ({ value }: { value: unknown }) => value === true || value === 'true' || value === '1';

/** An integer variable (empty = unset, so the default applies) of at least `min`, and at most `max`. */
function IntegerVar(min: number, max?: number): PropertyDecorator {
  return applyDecorators(Transform(toInt), IsInt(), Min(min), ...(max === undefined ? [] : [Max(max)]));
}

/** A string variable that may be absent; an empty value counts as absent. */
function OptionalString(): PropertyDecorator {
  return applyDecorators(Transform(emptyToUndefined), IsOptional(), IsString());
}

/**
 * Every environment variable the app reads, validated at boot so a typo fails fast with a
 * clear message instead of surfacing as a 500 later. `.env.example` lists the same names.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IntegerVar(0, 65535)
  PORT = 3000;

  @OptionalString()
  HOST?: string;

  /**
   * A real MongoDB replica set. Absent: the emulator is started inside the process (see
   * MONGODB_EMULATOR_DBPATH) — outside production only.
   */
  @OptionalString()
  MONGODB_URI?: string;

  /**
   * How long a request waits for a usable primary (server selection, connecting) before it is
   * answered 503 `database-unavailable`. Short, so an unreachable database fails fast.
   */
  @IntegerVar(100)
  MONGODB_SERVER_SELECTION_TIMEOUT_MS = 2_000;

  /**
   * maxTimeMS of every query, find-and-modify and aggregation: the longest a request waits on
   * the server, e.g. for a lock held by a crashed instance's transaction, before it is answered
   * 503 `database-unavailable`.
   */
  @IntegerVar(100)
  MONGODB_OPERATION_TIMEOUT_MS = 10_000;

  /**
   * Data directory of the embedded emulator, or `memory`. Unset: `.data/mongo-emulator` in
   * development, memory in test and production.
   */
  @OptionalString()
  MONGODB_EMULATOR_DBPATH?: string;

  @IsString()
  @MinLength(16)
  JWT_SECRET: string = DEFAULT_JWT_SECRET;

  /** Access-token lifetime in seconds. */
  @IntegerVar(30)
  JWT_ACCESS_TTL_SECONDS = 900;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Comma-separated allowed origins; empty disables CORS, `*` allows any. */
  @OptionalString()
  CORS_ORIGINS?: string;

  /** How often the outbox relay polls for new events. */
  @IntegerVar(10)
  OUTBOX_POLL_INTERVAL_MS = 200;

  /** How long delivered outbox events and processed markers are kept (TTL); also how far back SSE can resume. */
  @IntegerVar(60)
  OUTBOX_RETENTION_SECONDS = 604_800;

  /** Failed deliveries before an outbox event becomes `dead` (metric outbox_events_dead_total). */
  @IntegerVar(1)
  OUTBOX_MAX_ATTEMPTS = 10;

  /**
   * Serve GET /metrics on this port (on HOST) instead of the API port, so only the network
   * the scraper sits on can reach it. Empty: on the API port.
   */
  @IsOptional()
  @IntegerVar(0, 65535)
  METRICS_PORT?: number;

  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>` (either port). */
  @OptionalString()
  @MinLength(16)
  METRICS_TOKEN?: string;

  /**
   * How long after a rotation the rotated refresh token may be presented again and get the same
   * successor instead of revoking the session (tabs refreshing at once); 0 makes every replay reuse.
   */
  @IntegerVar(0, 60)
  AUTH_REFRESH_REUSE_GRACE_SECONDS = 10;

  /** Throttling of the auth endpoints; tests may switch it off to fire races from one address. */
  @Transform(toBool)
  AUTH_THROTTLE_ENABLED = true;
}

/** Validates `process.env` (or a given record) into an {@link Environment}; throws one readable error. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const env = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  - ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new Error(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const production: string[] = [];
  if (env.NODE_ENV === 'production' && env.JWT_SECRET === DEFAULT_JWT_SECRET) {
    production.push('  - JWT_SECRET: must be set to a secret of your own in production');
  }
  if (env.NODE_ENV === 'production' && !env.MONGODB_URI) {
    production.push(
      '  - MONGODB_URI: must be set in production (a MongoDB replica set); without it the app would run on the in-memory emulator and lose all data on every restart',
    );
  }
  if (production.length > 0) throw new Error(`Invalid environment configuration:\n${production.join('\n')}`);
  return env;
}
