/** Options of `ConcurrencyModule.forRoot()` / `forRootAsync()`. Every member is optional. */
export interface ConcurrencyModuleOptions {
  transactions?: {
    /** Bound on whole-transaction retries after write conflicts before 409 `contention`. Default 30 000. */
    maxRetryTimeMs?: number;
    /**
     * How long a transaction keeps retrying while the database is unreachable (network
     * errors, a cleared pool, no primary) before 503 `database-unavailable`. Default 3 000.
     */
    maxUnavailableMs?: number;
    /**
     * maxCommitTimeMS of every commit: how long a commit may wait (for its write concern)
     * before it gives up with MaxTimeMSExpired, answered 503. Default 5 000.
     */
    maxCommitTimeMs?: number;
  };
  idempotency?: {
    /** How long a key is remembered (TTL index). Default 86 400 (24 h). */
    ttlSeconds?: number;
    /**
     * Lease of an in-progress key: renewed every leaseMs/3 while its request runs, so only a
     * dead holder's key frees — this long after it died. Default 10 000.
     */
    leaseMs?: number;
  };
  outbox?: {
    /** Run the relay in this instance. Default true. */
    enabled?: boolean;
    /** Relay polling interval. Default 1000 (use ~100 in tests). */
    pollIntervalMs?: number;
    /** Events per relay round. Default 100. */
    batchSize?: number;
    /** TTL of the 'outbox-relay' lease; a crashed relay is replaced after it. Default 10 000. */
    leaseTtlMs?: number;
    /**
     * How long delivered events and subscribers' processed markers are kept before a TTL
     * index removes them (also how far back an SSE client can resume). Default 604 800 (7 days).
     */
    retentionSeconds?: number;
    /** Delivery attempts before an event whose subscriber keeps failing becomes `dead`. Default 10. */
    maxAttempts?: number;
  };
}

/** Set in the `forRoot` / `forRootAsync` call itself, since it decides which connection is injected. */
export interface ConcurrencyModuleExtras {
  /** Named mongoose connection to use (default: the default connection). */
  connectionName?: string;
}

/** Injection token of the resolved options ({@link ResolvedConcurrencyOptions}). */
export const CONCURRENCY_OPTIONS = Symbol('CONCURRENCY_OPTIONS');

/** Options with every default filled in. */
export interface ResolvedConcurrencyOptions {
  connectionName?: string;
  transactions: { maxRetryTimeMs: number; maxUnavailableMs: number; maxCommitTimeMs: number };
  idempotency: { ttlSeconds: number; leaseMs: number };
  outbox: { enabled: boolean; pollIntervalMs: number; batchSize: number; leaseTtlMs: number; retentionSeconds: number; maxAttempts: number };
}

/** Fills in the defaults of {@link ConcurrencyModuleOptions}. */
export function resolveConcurrencyOptions(options: ConcurrencyModuleOptions = {}, extras: ConcurrencyModuleExtras = {}): ResolvedConcurrencyOptions {
  return {
    connectionName: extras.connectionName,
    transactions: {
      maxRetryTimeMs: options.transactions?.maxRetryTimeMs ?? 30_000,
      maxUnavailableMs: options.transactions?.maxUnavailableMs ?? 3_000,
      maxCommitTimeMs: options.transactions?.maxCommitTimeMs ?? 5_000,
    },
    idempotency: { ttlSeconds: options.idempotency?.ttlSeconds ?? 86_400, leaseMs: options.idempotency?.leaseMs ?? 10_000 },
    outbox: {
      enabled: options.outbox?.enabled ?? true,
      pollIntervalMs: options.outbox?.pollIntervalMs ?? 1_000,
      batchSize: options.outbox?.batchSize ?? 100,
      leaseTtlMs: options.outbox?.leaseTtlMs ?? 10_000,
      retentionSeconds: options.outbox?.retentionSeconds ?? 604_800,
      maxAttempts: options.outbox?.maxAttempts ?? 10,
    },
  };
}
