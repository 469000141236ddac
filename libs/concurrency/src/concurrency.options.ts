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
    /** How long a claim blocks duplicates before a crashed worker's claim may be taken over. Default 60 000. */
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
  outbox: { enabled: boolean; pollIntervalMs: number; batchSize: number; leaseTtlMs: number };
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
    idempotency: { ttlSeconds: options.idempotency?.ttlSeconds ?? 86_400, leaseMs: options.idempotency?.leaseMs ?? 60_000 },
    outbox: {
      enabled: options.outbox?.enabled ?? true,
      pollIntervalMs: options.outbox?.pollIntervalMs ?? 1_000,
      batchSize: options.outbox?.batchSize ?? 100,
      leaseTtlMs: options.outbox?.leaseTtlMs ?? 10_000,
    },
  };
}
