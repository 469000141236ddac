import { Counter, Histogram, register } from 'prom-client';

/*
 * Prometheus metrics of the toolkit, on prom-client's default registry (the app serves it on
 * GET /metrics). Get-or-create, because tests and hot reload may load this module twice.
 */

function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  return (register.getSingleMetric(name) as Counter<string> | undefined) ?? new Counter({ name, help, labelNames });
}

function histogram(name: string, help: string, labelNames: string[], buckets: number[]): Histogram<string> {
  return (register.getSingleMetric(name) as Histogram<string> | undefined) ?? new Histogram({ name, help, labelNames, buckets });
}

/** Metrics, grouped by tool. Label values are code-chosen names, never user input. */
export const concurrencyMetrics = {
  transactionsStarted: counter('transactions_started_total', 'Transactions started (one per @Transactional/transactions.run call that opened one).', ['name']),
  transactionsCommitted: counter('transactions_committed_total', 'Transactions committed.', ['name']),
  transactionsAborted: counter('transactions_aborted_total', 'Transactions that ended without committing (error or exhausted retries).', ['name']),
  transactionsRetried: counter('transactions_retried_total', 'Whole-transaction re-runs after a TransientTransactionError (write conflict, network error before the commit) or a RetryTransactionSignal.', ['name']),
  transactionCommitRetried: counter('transaction_commit_retried_total', 'Commit-only retries while the commit outcome is unknown (UnknownTransactionCommitResult, network error during the commit).', ['name']),
  transactionDuration: histogram('transaction_duration_seconds', 'Wall time of a transaction including its retries.', ['name', 'outcome'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]),
  transactionAdmissionWait: histogram('transaction_admission_wait_seconds', 'Time a keyed transaction waited for its keys (transactions of this process writing the same documents) before starting.', ['name'], [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]),
  transactionBatchSize: histogram('transaction_batch_size', 'Inputs per group-commit batch (TransactionRunner.batch): how many callers shared one transaction.', ['name'], [1, 2, 4, 8, 16, 32, 64, 128]),
  uniqueRetries: counter('unique_insert_retries_total', 'insertWithUniqueRetry re-attempts after a duplicate key.', ['name']),
  uniqueRetryExhausted: counter('unique_insert_exhausted_total', 'insertWithUniqueRetry calls that gave up (409 contention).', ['name']),
  idempotencyOutcomes: counter('idempotency_requests_total', 'Requests with an Idempotency-Key, by outcome (executed, replayed, in-progress, reused, released).', ['outcome']),
  leaseAcquisitions: counter('lease_acquisitions_total', 'Lease acquire attempts by result (acquired, held).', ['resource', 'result']),
  outboxDelivered: counter('outbox_events_delivered_total', 'Outbox events delivered to all their subscribers.', ['type']),
  outboxFailures: counter('outbox_delivery_failures_total', 'Subscriber failures (the event is redelivered later).', ['subscriber']),
  outboxDead: counter('outbox_events_dead_total', 'Outbox events given up after maxAttempts failed deliveries (status dead; alert on any).', ['type']),
  outboxLag: histogram('outbox_delivery_lag_seconds', 'Time from outbox.add (commit) to delivery to subscribers.', ['type'], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]),
};
